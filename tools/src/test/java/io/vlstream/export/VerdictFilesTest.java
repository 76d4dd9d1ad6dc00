package io.vlstream.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.avro.AlignmentScore;
import io.vlstream.avro.SubjectKind;
import io.vlstream.avro.Verdict;
import io.vlstream.texts.TextFormat;
import io.vlstream.texts.TextSpan;
import io.vlstream.texts.TimedTextFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Verdicts written as subtitles and CSV read back, by vlstream's own readers, as they went out. */
class VerdictFilesTest {

    private static final long ORIGIN = 1_796_118_000_000_000L;

    @TempDir Path dir;

    private static AlignmentScore verdict(
            String id, double startS, double endS, String text, Verdict verdict, float score) {
        return AlignmentScore.newBuilder()
                .setStreamId("lobby")
                .setSubjectKind(SubjectKind.TIMED_TEXT)
                .setSubjectId(id)
                .setSubjectText(text)
                .setStartMicros(ORIGIN + Math.round(startS * 1e6))
                .setEndMicros(ORIGIN + Math.round(endS * 1e6))
                .setFrameSequence(null)
                .setScore(score)
                .setContributions(List.of())
                .setEvidence(List.of())
                .setUngroundedTerms(List.of())
                .setModels(List.of())
                .setEmittedAtMicros(ORIGIN)
                .setVerdict(verdict)
                .build();
    }

    private static final List<AlignmentScore> SCORES =
            List.of(
                    verdict(
                            "s2",
                            61.25,
                            64,
                            "two dogs <i>barking</i>",
                            Verdict.CONTRADICTED,
                            0.05f),
                    verdict("s1", 1, 3.5, "a person walks\nin", Verdict.SUPPORTED, 0.82f),
                    verdict("early", -5, -1, "before the video", Verdict.CANNOT_TELL, 0.3f),
                    AlignmentScore.newBuilder(verdict("f", 2, 2, "frame", null, 0.9f))
                            .setSubjectKind(SubjectKind.INSTRUCTION)
                            .build());

    private List<TextSpan> roundTrip(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        TimedTextFile.Parsed parsed =
                TimedTextFile.read(file, TextFormat.ofFile(file).orElseThrow(), 1 << 20);
        assertThat(parsed.problems()).as(content).isEmpty();
        return parsed.spans();
    }

    @Test
    void onlyTimedTextVerdictsFromTheOriginOnInTimeOrder() {
        assertThat(VerdictFiles.verdicts(SCORES, ORIGIN))
                .extracting(AlignmentScore::getSubjectId)
                .containsExactly("s1", "s2");
    }

    @Test
    void subRipAndWebVttCarryTheVerdictScoreAndTextAtTheTextsOwnTimes() throws IOException {
        List<AlignmentScore> verdicts = VerdictFiles.verdicts(SCORES, ORIGIN);

        for (String name : List.of("out.srt", "out.vtt")) {
            String content =
                    name.endsWith("srt")
                            ? VerdictFiles.srt(verdicts, ORIGIN)
                            : VerdictFiles.vtt(verdicts, ORIGIN);
            List<TextSpan> spans = roundTrip(name, content);
            assertThat(spans).as(name).hasSize(2);
            assertThat(spans.get(0).startMicros()).isEqualTo(1_000_000);
            assertThat(spans.get(0).endMicros()).isEqualTo(3_500_000);
            assertThat(spans.get(0).text()).isEqualTo("[SUPPORTED 0.82] a person walks in");
            assertThat(spans.get(1).startMicros()).isEqualTo(61_250_000);
            assertThat(spans.get(1).endMicros()).isEqualTo(64_000_000);
        }
        // WebVTT escapes markup in a text, so the reader gives it back as written.
        assertThat(roundTrip("escaped.vtt", VerdictFiles.vtt(verdicts, ORIGIN)).get(1).text())
                .isEqualTo("[CONTRADICTED 0.05] two dogs <i>barking</i>");
        assertThat(roundTrip("ids.vtt", VerdictFiles.vtt(verdicts, ORIGIN)))
                .extracting(TextSpan::id)
                .containsExactly("s1", "s2");
    }

    @Test
    void csvHasOneRowPerTextWithItsVerdictAndScore() throws IOException {
        String csv = VerdictFiles.csv(VerdictFiles.verdicts(SCORES, ORIGIN), ORIGIN);

        assertThat(csv.lines().findFirst()).hasValue("start,end,text,id,verdict,score");
        assertThat(csv).contains("1.000,3.500,\"a person walks\nin\",s1,SUPPORTED,0.820");
        List<TextSpan> spans = roundTrip("out.csv", csv);
        assertThat(spans)
                .extracting(TextSpan::id, TextSpan::startMicros, TextSpan::text)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("s1", 1_000_000L, "a person walks\nin"),
                        org.assertj.core.groups.Tuple.tuple(
                                "s2", 61_250_000L, "two dogs <i>barking</i>"));
    }

    @Test
    void aStreamIdBecomesASafeFileName() {
        assertThat(StreamFileNames.of("../../etc/passwd")).isEqualTo("stream.._.._etc_passwd");
        assertThat(StreamFileNames.of("cam\u0000/7")).isEqualTo("cam__7");
        assertThat(StreamFileNames.of("x".repeat(256))).hasSize(100);
        assertThat(StreamFileNames.of("lobby-2.a")).isEqualTo("lobby-2.a");
    }
}
