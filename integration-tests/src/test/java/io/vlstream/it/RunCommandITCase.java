package io.vlstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.avro.AlignmentScore;
import io.vlstream.avro.GroundedCaption;
import io.vlstream.avro.VideoFrame;
import io.vlstream.local.LocalVlstream;
import io.vlstream.local.TopicReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vlstream run} as a user runs it: its own JVM, against an existing Kafka. Stopped (SIGTERM)
 * after its first frames and started again, it resumes from the checkpoint it kept on disk: every
 * frame published across the restart is scored exactly once for read_committed readers, and the
 * moment open at the stop is still captioned.
 */
class RunCommandITCase {

    private static final String GROUP = "run-command-it";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    @TempDir Path checkpoints;

    @Test
    void stoppedAndStartedAgainItResumesFromItsCheckpointLosingAndDoublingNothing()
            throws Exception {
        List<VideoFrame> frames = VlstreamCluster.vtest("cam-run", 60);
        try (LocalVlstream kafka = VlstreamCluster.broker(GROUP);
                TopicReader<AlignmentScore> scores = kafka.readScores(null);
                TopicReader<GroundedCaption> captions = kafka.readCaptions(null)) {
            Run first = Run.start(kafka.bootstrapServers(), checkpoints);
            assertThat(first.output()).noneMatch(line -> line.contains("resuming from"));
            kafka.applyInstruction(
                    "people",
                    VlstreamCluster.instruction("people", "a person"),
                    VlstreamCluster.APPLY_TIMEOUT);
            kafka.publishFrames(frames.subList(0, 30));
            kafka.awaitFramesProcessed(VlstreamCluster.OUTPUT_TIMEOUT);
            first.stop();
            assertThat(checkpointsOnDisk()).isNotEmpty();

            // Published while nothing runs: the next run must pick them up where the last left.
            kafka.publishFrames(frames.subList(30, 60));
            Run second = Run.start(kafka.bootstrapServers(), checkpoints);
            try {
                assertThat(second.output()).anyMatch(line -> line.contains("resuming from chk-"));

                List<AlignmentScore> all =
                        scores.await(
                                s -> frameScores(s).size() >= 60, VlstreamCluster.OUTPUT_TIMEOUT);
                List<Long> sequences = frameScores(all);
                assertThat(sequences).hasSize(60).doesNotHaveDuplicates();
                assertThat(sequences)
                        .containsExactlyInAnyOrderElementsOf(
                                frames.stream().map(VideoFrame::getSequence).toList());
                // The moment the first run had open lived on in the checkpoint: its caption starts
                // in the first run's frames. A fresh start would have lost it.
                long firstPts = frames.get(0).getPtsMicros();
                long secondRunPts = frames.get(30).getPtsMicros();
                Predicate<GroundedCaption> fromTheStart =
                        c ->
                                c.getMomentStartMicros() >= firstPts
                                        && c.getMomentStartMicros() < secondRunPts;
                assertThat(
                                captions.await(
                                        c -> c.stream().anyMatch(fromTheStart),
                                        Duration.ofMinutes(1)))
                        .anyMatch(fromTheStart);
            } finally {
                second.stop();
            }
        }
    }

    /** Sequences of the frame scores of stream cam-run for instruction "people". */
    private static List<Long> frameScores(List<AlignmentScore> scores) {
        return scores.stream()
                .filter(s -> s.getStreamId().equals("cam-run"))
                .filter(s -> "people".equals(s.getSubjectId()))
                .filter(s -> s.getFrameSequence() != null)
                .map(AlignmentScore::getFrameSequence)
                .toList();
    }

    private List<Path> checkpointsOnDisk() throws IOException {
        try (Stream<Path> files = Files.walk(checkpoints)) {
            return files.filter(p -> p.getFileName().toString().equals("_metadata")).toList();
        }
    }

    /** One {@code vlstream run} process and what it printed. */
    private record Run(Process process, List<String> lines) {

        static Run start(String servers, Path checkpointDir, String... extra) throws Exception {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add("io.vlstream.cli.VlstreamCli");
            command.addAll(
                    List.of(
                            "run",
                            "-b",
                            servers,
                            "--checkpoint-dir",
                            checkpointDir.toString(),
                            "-D",
                            "vlstream.kafka.group-id=" + GROUP,
                            "-D",
                            "vlstream.kafka.transactional-id-prefix=" + GROUP,
                            "-D",
                            "vlstream.checkpoint-interval=500ms",
                            "-D",
                            // Long enough that the first run's moment is still open when it stops.
                            "vlstream.selection.quiet-timeout=30s",
                            "-D",
                            // 3 s of frames per run: only the two runs together reach an OPEN
                            // caption, and only if the second resumed the first one's moment.
                            "vlstream.selection.update-interval=4s"));
            command.addAll(List.of(extra));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            List<String> lines = new CopyOnWriteArrayList<>();
            Thread reader =
                    new Thread(
                            () -> {
                                try (BufferedReader in =
                                        new BufferedReader(
                                                new InputStreamReader(
                                                        process.getInputStream(),
                                                        StandardCharsets.UTF_8))) {
                                    for (String line; (line = in.readLine()) != null; ) {
                                        lines.add(line);
                                    }
                                } catch (IOException e) {
                                    // The process ended.
                                }
                            },
                            "vlstream-run-output");
            reader.setDaemon(true);
            reader.start();
            Run run = new Run(process, lines);
            run.awaitLine("running;", START_TIMEOUT);
            return run;
        }

        List<String> output() {
            return List.copyOf(lines);
        }

        void awaitLine(String text, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (lines.stream().anyMatch(l -> l.contains(text))) {
                    return;
                }
                if (!process.isAlive()) {
                    throw new AssertionError(
                            "vlstream run exited with "
                                    + process.exitValue()
                                    + ":\n"
                                    + String.join("\n", lines));
                }
                Thread.sleep(100);
            }
            throw new AssertionError(
                    "vlstream run did not print '"
                            + text
                            + "' within "
                            + timeout
                            + ":\n"
                            + String.join("\n", lines));
        }

        /** SIGTERM, as Ctrl-C or a service manager stops it; waits for it to exit. */
        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError("vlstream run did not stop within 60 s of SIGTERM");
            }
        }
    }
}
