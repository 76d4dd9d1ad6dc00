package io.vlstream.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vlstream.avro.AlignmentScore;
import io.vlstream.avro.GroundedCaption;
import io.vlstream.avro.Instruction;
import io.vlstream.avro.MomentStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing what the demo committed as Avro container files and reading it back. */
class OutputFilesTest {

    @TempDir Path dir;

    @Test
    void roundTripsCaptionsScoresAndDeadLettersWithTheirImages() throws IOException {
        VlstreamOutput output = RealVtestOutput.get();

        OutputFiles.write(dir, output);
        VlstreamOutput read = OutputFiles.read(dir);

        assertThat(dir.resolve(OutputFiles.CAPTIONS)).isRegularFile();
        assertThat(dir.resolve(OutputFiles.SCORES)).isRegularFile();
        assertThat(dir.resolve(OutputFiles.DEAD_LETTERS)).isRegularFile();
        assertThat(read.captions()).isEqualTo(output.captions());
        assertThat(read.scores()).isEqualTo(output.scores());
        assertThat(read.deadLetters()).isEqualTo(output.deadLetters());
        assertThat(read.captions().get(0).getEvidence().get(0).getImage().remaining())
                .isGreaterThan(10_000);
        try (var list = Files.list(dir)) {
            assertThat(list.map(p -> p.getFileName().toString()))
                    .noneMatch(n -> n.endsWith(".partial"));
        }
    }

    @Test
    void readsAnyConsumersFilesByTheRecordTypeTheirSchemaNames() throws IOException {
        VlstreamOutput output = RealVtestOutput.get();
        OutputFiles.write(
                dir.resolve("part-0001.avro"), GroundedCaption.getClassSchema(), output.captions());
        OutputFiles.write(
                dir.resolve("frame-scores.avro"), AlignmentScore.getClassSchema(), output.scores());
        OutputFiles.write(
                dir.resolve("instructions.avro"),
                Instruction.getClassSchema(),
                List.of(Instruction.newBuilder().setInstructionId("x").setText("y").build()));
        Files.writeString(dir.resolve("notes.txt"), "not avro");

        VlstreamOutput read = OutputFiles.read(dir);

        assertThat(read.captions()).isEqualTo(output.captions());
        assertThat(read.scores()).isEqualTo(output.scores());
        assertThat(read.deadLetters()).isEmpty();
        assertThat(OutputFiles.read(dir.resolve("part-0001.avro")).captions())
                .hasSameSizeAs(output.captions());
    }

    @Test
    void saysWhatIsWrongWithAMissingOrEmptyDirectory() throws IOException {
        assertThatThrownBy(() -> OutputFiles.read(dir.resolve("nowhere")))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("vlstream demo");
        assertThatThrownBy(() -> OutputFiles.read(dir))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("No Avro files");
        Files.writeString(dir.resolve("broken.avro"), "not avro at all");
        assertThatThrownBy(() -> OutputFiles.read(dir))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("broken.avro");
    }

    @Test
    void aMomentPublishedAgainCountsOnceWithItsFinalCaption() {
        GroundedCaption finalCaption = RealVtestOutput.get().captions().get(0);
        GroundedCaption open =
                GroundedCaption.newBuilder(finalCaption)
                        .setStatus(MomentStatus.OPEN)
                        .setCaption("early")
                        .build();
        List<GroundedCaption> captions = new ArrayList<>(List.of(open, finalCaption, open));

        VlstreamOutput output = new VlstreamOutput(captions, List.of(), List.of());

        assertThat(output.moments()).containsExactly(finalCaption);
    }

    @Test
    void theClockCountsFromTheFirstFrameAtTheClipsFrameRate() {
        StreamClock clock = StreamClock.of(RealVtestOutput.get());

        assertThat(clock.fps()).isCloseTo(10.0, org.assertj.core.data.Offset.offset(0.01));
        assertThat(clock.seconds(RealVtestOutput.BASE + 2_500_000)).isEqualTo(2.5);
        assertThat(clock.frameAt(RealVtestOutput.BASE)).isEqualTo(1);
        assertThat(clock.frameOf(30)).isEqualTo(31);
        assertThat(clock.frameCount()).isEqualTo(120);
    }
}
