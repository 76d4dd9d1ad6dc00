package io.vlstream.cli;

import io.vlstream.avro.Box;
import io.vlstream.avro.EvidenceFrame;
import io.vlstream.avro.GroundedCaption;
import io.vlstream.avro.GroundedPhrase;
import io.vlstream.avro.MomentStatus;
import io.vlstream.avro.Region;
import java.time.ZoneId;
import java.util.function.LongFunction;
import java.util.stream.Collectors;

/** Prints a grounded caption for people: moment times, caption, boxes per phrase, evidence. */
final class CaptionPrinter {

    private static final int MAX_BOXES_SHOWN = 4;

    private final Console console;
    private final LongFunction<String> clock;
    private final boolean showStream;

    /** Moment times as minutes and seconds since {@code ptsBaseMicros} (the video's start). */
    CaptionPrinter(Console console, long ptsBaseMicros) {
        this(console, () -> ptsBaseMicros);
    }

    /** As above, with the video's start known only once it is published. */
    CaptionPrinter(Console console, java.util.function.LongSupplier ptsBaseMicros) {
        this(console, pts -> sinceStart(pts - ptsBaseMicros.getAsLong()), false);
    }

    private CaptionPrinter(Console console, LongFunction<String> clock, boolean showStream) {
        this.console = console;
        this.clock = clock;
        this.showStream = showStream;
    }

    /**
     * For captions of any stream, live: each headed by its stream id, moment times as the time of
     * day in {@code zone}, and a moment's status when it is not final.
     */
    static CaptionPrinter wallClock(Console console, ZoneId zone) {
        return new CaptionPrinter(console, pts -> RecordFormat.timeOfDay(pts, zone), true);
    }

    void print(GroundedCaption caption) {
        StringBuilder text = new StringBuilder();
        String subject =
                showStream
                        ? caption.getStreamId() + " · " + caption.getInstructionId()
                        : caption.getInstructionId().toString();
        String status =
                caption.getStatus() != MomentStatus.FINAL ? "  [" + caption.getStatus() + "]" : "";
        text.append(
                String.format(
                        "%n  ▶ %s  %s – %s  (%d frames)  score %.2f%s%n",
                        subject,
                        clock.apply(caption.getMomentStartMicros()),
                        clock.apply(caption.getMomentEndMicros()),
                        caption.getFrameCount(),
                        caption.getAlignmentScore(),
                        status));
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

    private static String sinceStart(long micros) {
        double seconds = micros / 1e6;
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
