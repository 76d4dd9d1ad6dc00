package io.vlstream.export;

import io.vlstream.avro.AlignmentScore;
import io.vlstream.avro.SubjectKind;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Writes the job's verdicts on timed texts back out as the files people keep their texts in:
 * SubRip, WebVTT or CSV, each line the original text with its verdict and score, times counted from
 * the video's start. A team can diff them against its own labels. {@code vlstream texts} reads all
 * three back.
 */
public final class VerdictFiles {

    private VerdictFiles() {}

    /**
     * The timed-text verdicts among {@code scores}, in time order; texts before origin left out.
     */
    public static List<AlignmentScore> verdicts(List<AlignmentScore> scores, long originMicros) {
        return scores.stream()
                .filter(s -> s.getSubjectKind() == SubjectKind.TIMED_TEXT)
                .filter(s -> s.getVerdict() != null)
                .filter(s -> s.getStartMicros() >= originMicros)
                .sorted(
                        Comparator.comparingLong(AlignmentScore::getStartMicros)
                                .thenComparing(AlignmentScore::getSubjectId))
                .toList();
    }

    /** SubRip: one cue per text, numbered, {@code [VERDICT 0.82] text}. */
    public static String srt(List<AlignmentScore> verdicts, long originMicros) {
        StringBuilder out = new StringBuilder();
        int n = 0;
        for (AlignmentScore v : verdicts) {
            out.append(++n).append('\n');
            out.append(clock(v.getStartMicros() - originMicros, ','))
                    .append(" --> ")
                    .append(clock(v.getEndMicros() - originMicros, ','))
                    .append('\n');
            out.append(line(v)).append("\n\n");
        }
        return out.toString();
    }

    /** WebVTT: one cue per text, its id the text's id, {@code [VERDICT 0.82] text}. */
    public static String vtt(List<AlignmentScore> verdicts, long originMicros) {
        StringBuilder out = new StringBuilder("WEBVTT - vlstream verdicts\n\n");
        for (AlignmentScore v : verdicts) {
            out.append(v.getSubjectId().replace("-->", "->")).append('\n');
            out.append(clock(v.getStartMicros() - originMicros, '.'))
                    .append(" --> ")
                    .append(clock(v.getEndMicros() - originMicros, '.'))
                    .append('\n');
            // A markup character in a label must not read as a tag.
            out.append(line(v).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
                    .append("\n\n");
        }
        return out.toString();
    }

    /** CSV: {@code start,end,text,id,verdict,score}, seconds from the origin. */
    public static String csv(List<AlignmentScore> verdicts, long originMicros) {
        StringWriter out = new StringWriter();
        try (CSVPrinter printer =
                new CSVPrinter(
                        out,
                        CSVFormat.DEFAULT
                                .builder()
                                .setHeader("start", "end", "text", "id", "verdict", "score")
                                .get())) {
            for (AlignmentScore v : verdicts) {
                printer.printRecord(
                        seconds(v.getStartMicros() - originMicros),
                        seconds(v.getEndMicros() - originMicros),
                        v.getSubjectText(),
                        v.getSubjectId(),
                        v.getVerdict(),
                        String.format(Locale.ROOT, "%.3f", v.getScore()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static String line(AlignmentScore v) {
        // One line per cue: a blank line would end it.
        String text = v.getSubjectText() == null ? "" : v.getSubjectText().replaceAll("\\s+", " ");
        return String.format(Locale.ROOT, "[%s %.2f] %s", v.getVerdict(), v.getScore(), text);
    }

    private static String clock(long micros, char millisSeparator) {
        long ms = Math.max(0, micros) / 1_000;
        return String.format(
                Locale.ROOT,
                "%02d:%02d:%02d%c%03d",
                ms / 3_600_000,
                ms / 60_000 % 60,
                ms / 1_000 % 60,
                millisSeparator,
                ms % 1_000);
    }

    private static String seconds(long micros) {
        return String.format(Locale.ROOT, "%.3f", micros / 1e6);
    }
}
