package io.vlstream.cli;

import io.vlstream.avro.AlignmentScore;
import io.vlstream.avro.DeadLetter;
import io.vlstream.avro.Instruction;
import io.vlstream.avro.TermContribution;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Collectors;

/** One-line, human-readable forms of scores, dead letters and instructions. */
final class RecordFormat {

    /** Contributions shown per score: the largest weighted ones. */
    static final int TOP_CONTRIBUTIONS = 3;

    private static final DateTimeFormatter TIME_OF_DAY =
            DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT);

    private RecordFormat() {}

    /** Event time (µs since the epoch) as the time of day in {@code zone}, to the millisecond. */
    static String timeOfDay(long micros, ZoneId zone) {
        return TIME_OF_DAY.format(
                Instant.ofEpochSecond(
                                Math.floorDiv(micros, 1_000_000L),
                                Math.floorMod(micros, 1_000_000L) * 1_000L)
                        .atZone(zone));
    }

    /**
     * E.g. {@code ◆ cam-1 · instruction demo "a person near a van" frame #12 10:15:02.300 score
     * 0.74 person 0.83 ✓, truck 0.61 ✓}.
     */
    static String score(AlignmentScore score, ZoneId zone) {
        StringBuilder line = new StringBuilder("  ◆ ");
        line.append(score.getStreamId())
                .append(" · ")
                .append(score.getSubjectKind().name().toLowerCase(Locale.ROOT).replace('_', ' '))
                .append(' ')
                .append(score.getSubjectId())
                .append(" \"")
                .append(score.getSubjectText())
                .append("\"  ");
        if (score.getFrameSequence() != null) {
            line.append("frame #")
                    .append(score.getFrameSequence())
                    .append(' ')
                    .append(timeOfDay(score.getStartMicros(), zone));
        } else {
            line.append("span ")
                    .append(timeOfDay(score.getStartMicros(), zone))
                    .append(" – ")
                    .append(timeOfDay(score.getEndMicros(), zone));
        }
        line.append(String.format(Locale.ROOT, "  score %.2f", score.getScore()));
        String top =
                score.getContributions().stream()
                        .sorted(
                                Comparator.comparingDouble(
                                        (TermContribution c) -> -c.getWeight() * c.getScore()))
                        .limit(TOP_CONTRIBUTIONS)
                        .map(RecordFormat::contribution)
                        .collect(Collectors.joining(", "));
        if (!top.isEmpty()) {
            line.append("  ").append(top);
        }
        if (score.getContributions().size() > TOP_CONTRIBUTIONS) {
            line.append(", +")
                    .append(score.getContributions().size() - TOP_CONTRIBUTIONS)
                    .append(" more");
        }
        if (!score.getUngroundedTerms().isEmpty()) {
            line.append("  (not grounded: ")
                    .append(String.join(", ", score.getUngroundedTerms()))
                    .append(')');
        }
        return line.toString();
    }

    /** E.g. {@code "2 people"→person 0.83 ✓}: the term, its labels, score and whether it held. */
    private static String contribution(TermContribution c) {
        String term = c.getTerm().contains(" ") ? "\"" + c.getTerm() + "\"" : c.getTerm();
        String labels =
                c.getLabels().stream().map(Object::toString).collect(Collectors.joining("/"));
        String shown = labels.isEmpty() || labels.equals(c.getTerm()) ? term : term + "→" + labels;
        return String.format(
                Locale.ROOT, "%s %.2f %s", shown, c.getScore(), c.getSatisfied() ? "✓" : "✗");
    }

    /**
     * E.g. {@code ✖ DLQ CORRUPT_IMAGE at vlstream.frames/1@42 (stream cam-1, decode): JPEG ends
     * early}.
     */
    static String deadLetter(DeadLetter letter) {
        StringBuilder line = new StringBuilder("  ✖ DLQ  ");
        line.append(letter.getReason())
                .append(" at ")
                .append(letter.getSourceTopic())
                .append('/')
                .append(letter.getSourcePartition())
                .append('@')
                .append(letter.getSourceOffset())
                .append(" (");
        String stream = streamOf(letter);
        if (stream != null) {
            line.append("stream ").append(stream).append(", ");
        }
        line.append(letter.getStage())
                .append(", ")
                .append(letter.getPayloadSize())
                .append(" bytes): ")
                .append(letter.getMessage());
        return line.toString();
    }

    /** The dead letter's stream id, or its source key (a stream id for frames and texts). */
    static String streamOf(DeadLetter letter) {
        if (letter.getStreamId() != null) {
            return letter.getStreamId().toString();
        }
        ByteBuffer key = letter.getSourceKey();
        if (key == null) {
            return null;
        }
        ByteBuffer copy = key.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** E.g. {@code demo "a person near a van" streams cam-* evidence 3 threshold 0.50}. */
    static String instruction(Instruction in, ZoneId zone) {
        StringBuilder line = new StringBuilder("  ");
        line.append(in.getInstructionId()).append("  \"").append(in.getText()).append('"');
        line.append("\n      streams ");
        boolean glob = in.getStreamGlob() != null && !in.getStreamGlob().toString().isBlank();
        if (in.getStreamIds().isEmpty() && !glob) {
            line.append("all");
        } else {
            line.append(
                    in.getStreamIds().stream()
                            .map(Object::toString)
                            .collect(Collectors.joining(",")));
            if (glob) {
                line.append(in.getStreamIds().isEmpty() ? "" : " + ")
                        .append("glob ")
                        .append(in.getStreamGlob());
            }
        }
        line.append(" · evidence ").append(in.getMaxEvidenceFrames());
        line.append(" · threshold ")
                .append(
                        in.getScoreThreshold() == null
                                ? "job default"
                                : String.format(Locale.ROOT, "%.2f", in.getScoreThreshold()));
        if (in.getCaptionPrompt() != null) {
            line.append(" · prompt \"").append(in.getCaptionPrompt()).append('"');
        }
        if (in.getUpdatedAtMicros() > 0) {
            line.append(" · updated ")
                    .append(
                            DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(
                                    Instant.ofEpochMilli(in.getUpdatedAtMicros() / 1_000)
                                            .atZone(zone)
                                            .withNano(0)));
        }
        return line.toString();
    }
}
