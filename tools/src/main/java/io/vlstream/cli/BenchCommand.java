package io.vlstream.cli;

import io.vlstream.avro.AlignmentScore;
import io.vlstream.avro.Instruction;
import io.vlstream.avro.VideoFrame;
import io.vlstream.decode.DecodeLimits;
import io.vlstream.decode.ImageDecoder;
import io.vlstream.fetch.SampleMedia;
import io.vlstream.jobs.SelectionOptions;
import io.vlstream.jobs.VlstreamOptions;
import io.vlstream.local.LocalVlstream;
import io.vlstream.local.TopicReader;
import io.vlstream.media.VideoFileFrames;
import io.vlstream.model.DetectorSettings;
import io.vlstream.model.ObjectDetector;
import io.vlstream.model.builtin.BuiltinModels;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vlstream bench}: in one process, the detector's throughput alone (tight loop) and the
 * whole pipeline's (Kafka → Flink → Kafka) on the same frames, and their ratio.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description =
                "Measure the detector alone and the whole pipeline (Kafka -> Flink -> Kafka) on"
                        + " the same frames of vtest.avi, and print a table.")
final class BenchCommand implements Callable<Integer> {

    @Option(
            names = "--frames",
            defaultValue = "200",
            description = "Frames to use (default: ${DEFAULT-VALUE}).")
    int frameCount;

    @Option(
            names = "--parallelism",
            defaultValue = "2",
            description = "Flink parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(
            names = "--camera-fps",
            defaultValue = "10",
            description =
                    "Rate of the paced pipeline run, like a live camera (default: ${DEFAULT-VALUE},"
                            + " vtest.avi's own rate).")
    double cameraFps;

    @Option(
            names = "--instruction",
            defaultValue = "people walking near a parked van",
            description = "Instruction the pipeline scores frames against.")
    String instruction;

    private record Row(String name, int frames, double seconds, double[] latencyMillis) {
        double fps() {
            return frames / seconds;
        }
    }

    @Override
    public Integer call() throws Exception {
        Console out = new Console();
        out.heading("vlstream bench");
        List<VideoFrame> frames = new ArrayList<>();
        try (VideoFileFrames video =
                VideoFileFrames.builder()
                        .setFile(SampleMedia.vtestAvi())
                        .withStreamId("bench")
                        .withPtsBaseMicros(System.currentTimeMillis() * 1_000)
                        .withMaxFrames(frameCount)
                        .open()) {
            video.forEachRemaining(frames::add);
        }
        out.step(frames.size() + " frames of vtest.avi (JPEG, 768x576)");

        List<Row> rows = new ArrayList<>();
        rows.add(detectorAlone(frames, 1, out));
        rows.add(detectorAlone(frames, parallelism, out));
        rows.add(pipeline(frames, 0, out));
        rows.add(pipeline(frames, cameraFps, out));

        double best = Math.max(rows.get(0).fps(), rows.get(1).fps());
        out.block("");
        out.block(
                String.format(
                        "| %-52s | %6s | %8s | %8s | %9s | %9s | %9s |",
                        "run", "frames", "seconds", "frames/s", "vs best", "p50 ms", "p95 ms"));
        out.block(
                "|"
                        + "-".repeat(54)
                        + "|--------|----------|----------|-----------|-----------|-----------|");
        for (Row row : rows) {
            out.block(
                    String.format(
                            "| %-52s | %6d | %8.2f | %8.2f | %8.2fx | %9s | %9s |",
                            row.name(),
                            row.frames(),
                            row.seconds(),
                            row.fps(),
                            row.fps() / best,
                            percentile(row.latencyMillis(), 0.50),
                            percentile(row.latencyMillis(), 0.95)));
        }
        out.block(
                "\n  detector rows: decode JPEG + detect, one detector, back to back (latency per frame)."
                        + "\n  pipeline rows: publish to Kafka → decode → detect (parallelism "
                        + parallelism
                        + ") → score → exactly-once sink, committed and read back; burst: all"
                        + " frames published at once (throughput), paced: at the camera's rate"
                        + " (latency when keeping up);"
                        + "\n  latency: frame published → its score emitted by the job (the commit,"
                        + " at the next checkpoint, comes after).");
        return 0;
    }

    private static Row detectorAlone(List<VideoFrame> frames, int threads, Console out)
            throws Exception {
        ImageDecoder decoder = new ImageDecoder(DecodeLimits.defaults());
        try (ObjectDetector detector =
                BuiltinModels.cocoCenterNet(
                        DetectorSettings.defaults().withIntraOpThreads(threads))) {
            for (VideoFrame frame : frames.subList(0, Math.min(5, frames.size()))) {
                detector.detect(decoder.decode(frame));
            }
            double[] latencies = new double[frames.size()];
            long start = System.nanoTime();
            for (int i = 0; i < frames.size(); i++) {
                long t = System.nanoTime();
                BufferedImage image = decoder.decode(frames.get(i));
                detector.detect(image);
                latencies[i] = (System.nanoTime() - t) / 1e6;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            out.step(
                    String.format(
                            "detector alone, %d intra-op thread(s): %.2f frames/s",
                            threads, frames.size() / seconds));
            return new Row(
                    "detector alone ("
                            + threads
                            + " intra-op thread"
                            + (threads > 1 ? "s" : "")
                            + ")",
                    frames.size(),
                    seconds,
                    latencies);
        }
    }

    /** The pipeline on the frames, published all at once ({@code fps} 0) or at {@code fps}. */
    private Row pipeline(List<VideoFrame> frames, double fps, Console out) throws Exception {
        Configuration conf = new Configuration();
        conf.set(VlstreamOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(1));
        conf.set(SelectionOptions.QUIET_TIMEOUT, Duration.ofSeconds(2));
        try (LocalVlstream local = LocalVlstream.start(conf, parallelism);
                TopicReader<AlignmentScore> scores = local.readScores(null)) {
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createLocalEnvironment(
                            parallelism, new Configuration());
            JobClient job = local.submit(env, b -> b);
            local.applyInstruction(
                    "bench",
                    Instruction.newBuilder().setInstructionId("bench").setText(instruction).build(),
                    Duration.ofMinutes(2));
            Map<Long, Long> publishedAtMicros = new HashMap<>();
            long start = System.nanoTime();
            for (int i = 0; i < frames.size(); i++) {
                if (fps > 0) {
                    long wait = start + (long) (i * 1e9 / fps) - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
                VideoFrame frame = frames.get(i);
                publishedAtMicros.put(frame.getSequence(), System.currentTimeMillis() * 1_000);
                local.publishFrame(frame);
                if (fps > 0) {
                    local.flushFrames();
                }
            }
            local.flushFrames();
            List<AlignmentScore> done =
                    scores.await(s -> s.size() >= frames.size(), Duration.ofMinutes(20));
            double seconds = (System.nanoTime() - start) / 1e9;
            job.cancel().get();
            if (done.size() < frames.size()) {
                throw new IllegalStateException(
                        "Only " + done.size() + " of " + frames.size() + " frames were scored");
            }
            double[] latencies =
                    done.stream()
                            .mapToDouble(
                                    s ->
                                            (s.getEmittedAtMicros()
                                                            - publishedAtMicros.get(
                                                                    s.getFrameSequence()))
                                                    / 1e3)
                            .toArray();
            String name =
                    "pipeline Kafka → Flink → Kafka (p="
                            + parallelism
                            + (fps > 0 ? String.format(", paced %.0f fps)", fps) : ", burst)");
            out.step(String.format("%s: %.2f frames/s", name, frames.size() / seconds));
            return new Row(name, frames.size(), seconds, latencies);
        }
    }

    private static String percentile(double[] values, double q) {
        if (values == null || values.length == 0) {
            return "-";
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return String.format(
                "%.0f", sorted[Math.min(sorted.length - 1, (int) (q * sorted.length))]);
    }
}
