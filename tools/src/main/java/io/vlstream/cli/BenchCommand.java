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
 * whole pipeline's (Kafka → Flink → Kafka) on the same frames, and their ratio; every run repeated,
 * with the median and the spread printed, since one run on a shared machine proves little.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description =
                "Measure the detector alone and the whole pipeline (Kafka -> Flink -> Kafka) on"
                        + " the same frames of vtest.avi, --repeat times, and print the medians,"
                        + " their spread and the pipeline/detector ratio of each repetition.")
final class BenchCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

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
            names = "--repeat",
            defaultValue = "3",
            description =
                    "Repetitions of every run; the table shows medians and the spread (default:"
                            + " ${DEFAULT-VALUE}).")
    int repeat;

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

        if (repeat < 1) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "--repeat must be at least 1, got " + repeat);
        }
        // One list of runs per row, in the order the rows are printed.
        Map<String, List<Row>> runs = new java.util.LinkedHashMap<>();
        List<Double> ratios = new ArrayList<>();
        for (int r = 1; r <= repeat; r++) {
            out.step("repetition " + r + " of " + repeat);
            List<Row> rows =
                    List.of(
                            detectorAlone(frames, 1, out),
                            detectorAlone(frames, parallelism, out),
                            pipeline(frames, 0, out),
                            pipeline(frames, cameraFps, out));
            for (Row row : rows) {
                runs.computeIfAbsent(row.name(), k -> new ArrayList<>()).add(row);
            }
            // The ratio within one repetition: machine noise hits both sides of it alike.
            ratios.add(rows.get(2).fps() / Math.max(rows.get(0).fps(), rows.get(1).fps()));
        }
        List<List<Row>> rows = new ArrayList<>(runs.values());
        double best =
                Math.max(
                        median(rows.get(0).stream().mapToDouble(Row::fps).toArray()),
                        median(rows.get(1).stream().mapToDouble(Row::fps).toArray()));
        out.block("");
        out.block(
                String.format(
                        "| %-52s | %6s | %8s | %8s | %13s | %9s | %9s | %9s |",
                        "run (median of " + repeat + ")",
                        "frames",
                        "seconds",
                        "frames/s",
                        "frames/s span",
                        "vs best",
                        "p50 ms",
                        "p95 ms"));
        out.block(
                "|"
                        + "-".repeat(54)
                        + "|--------|----------|----------|---------------|-----------|-----------|-----------|");
        for (List<Row> row : rows) {
            double[] fps = row.stream().mapToDouble(Row::fps).toArray();
            double[] sorted = fps.clone();
            Arrays.sort(sorted);
            out.block(
                    String.format(
                            "| %-52s | %6d | %8.2f | %8.2f | %13s | %8.2fx | %9.0f | %9.0f |",
                            row.get(0).name(),
                            row.get(0).frames(),
                            median(row.stream().mapToDouble(Row::seconds).toArray()),
                            median(fps),
                            String.format("%.2f-%.2f", sorted[0], sorted[sorted.length - 1]),
                            median(fps) / best,
                            median(
                                    row.stream()
                                            .mapToDouble(x -> percentile(x.latencyMillis(), 0.50))
                                            .toArray()),
                            median(
                                    row.stream()
                                            .mapToDouble(x -> percentile(x.latencyMillis(), 0.95))
                                            .toArray())));
        }
        double[] ratio = ratios.stream().mapToDouble(Double::doubleValue).toArray();
        double[] sortedRatio = ratio.clone();
        Arrays.sort(sortedRatio);
        double spread = (sortedRatio[sortedRatio.length - 1] - sortedRatio[0]) / median(ratio);
        out.block(
                String.format(
                        "%n  pipeline (burst) / best detector, per repetition: %s; median %.2f,"
                                + " spread %.0f%% of it%s",
                        ratios.stream()
                                .map(v -> String.format("%.2f", v))
                                .collect(java.util.stream.Collectors.joining(", ")),
                        median(ratio),
                        spread * 100,
                        repeat < 3
                                ? " (fewer than 3 repetitions: not a result)"
                                : spread > 0.10
                                        ? " (it moved by more than 10%: not a result; repeat on a"
                                                + " quieter machine)"
                                        : ""));
        out.block(
                "\n  detector rows: decode JPEG + detect, one detector, back to back (latency per frame)."
                        + "\n  pipeline rows: publish to Kafka → decode → detect (parallelism "
                        + parallelism
                        + ") → score → exactly-once sink, committed and read back; burst: all"
                        + " frames published at once (throughput), paced: at the camera's rate"
                        + " (latency when keeping up);"
                        + "\n  latency: frame published → its score emitted by the job (the commit,"
                        + " at the next checkpoint, comes after); p50/p95 are medians over the"
                        + " repetitions.");
        return 0;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
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

    private static double percentile(double[] values, double q) {
        if (values == null || values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) (q * sorted.length))];
    }
}
