package io.vlstream.cli;

import io.vlstream.avro.Box;
import io.vlstream.avro.EvidenceFrame;
import io.vlstream.avro.GroundedCaption;
import io.vlstream.avro.GroundedPhrase;
import io.vlstream.avro.Region;
import java.util.stream.Collectors;

/** Prints a grounded caption for people: moment times, caption, boxes per phrase, evidence. */
final class CaptionPrinter {

    private static final int MAX_BOXES_SHOWN = 4;

    private final Console console;
    private final long ptsBaseMicros;

    CaptionPrinter(Console console, long ptsBaseMicros) {
        this.console = console;
        this.ptsBaseMicros = ptsBaseMicros;
    }

    void print(GroundedCaption caption) {
        StringBuilder text = new StringBuilder();
        text.append(
                String.format(
                        "%n  ▶ %s  %s – %s  (%d frames)  score %.2f%n",
                        caption.getInstructionId(),
                        clock(caption.getMomentStartMicros()),
                        clock(caption.getMomentEndMicros()),
                        caption.getFrameCount(),
                        caption.getAlignmentScore()));
        text.append("    \"").append(caption.getCaption()).append("\"\n");
        for (GroundedPhrase phrase : caption.getPhrases()) {
            text.append("      · ").append(phrase.getText()).append(" → ");
            text.append(
                    phrase.getRegions().stream()
                            .limit(MAX_BOXES_SHOWN)
                            .map(CaptionPrinter::region)
                            .collect(Collectors.joining(", ")));
            if (phrase.getRegions().size() > MAX_BOXES_SHOWN) {
                text.append(", +")
                        .append(phrase.getRegions().size() - MAX_BOXES_SHOWN)
                        .append(" more");
            }
            text.append('\n');
        }
        text.append("      evidence frames: ");
        text.append(
                caption.getEvidence().stream()
                        .map(CaptionPrinter::evidence)
                        .collect(Collectors.joining(", ")));
        if (!caption.getUngroundedTerms().isEmpty()) {
            text.append("\n      not grounded by the model: ")
                    .append(String.join(", ", caption.getUngroundedTerms()));
        }
        console.block(text.toString());
    }

    private String clock(long ptsMicros) {
        double seconds = (ptsMicros - ptsBaseMicros) / 1e6;
        return String.format("%02d:%04.1f", (int) (seconds / 60), seconds % 60);
    }

    private static String region(Region region) {
        Box b = region.getBox();
        return String.format(
                "#%d %s %.2f [%.0f,%.0f,%.0f,%.0f]",
                region.getFrameSequence(),
                region.getLabel(),
                region.getScore(),
                b.getX1(),
                b.getY1(),
                b.getX2(),
                b.getY2());
    }

    private static String evidence(EvidenceFrame frame) {
        return String.format("#%d (%.2f)", frame.getFrameSequence(), frame.getRelevance());
    }
}
