package io.vlstream.cli;

import io.vlstream.avro.AlignmentScore;
import io.vlstream.avro.DeadLetter;
import io.vlstream.avro.GroundedCaption;
import io.vlstream.avro.Instruction;
import io.vlstream.avro.VideoFrame;
import io.vlstream.fetch.SampleMedia;
import io.vlstream.jobs.SelectionOptions;
import io.vlstream.jobs.VlstreamOptions;
import io.vlstream.local.LocalVlstream;
import io.vlstream.local.TopicReader;
import io.vlstream.media.VideoFileFrames;
import io.vlstream.model.builtin.BuiltinModels;
import io.vlstream.output.OutputFiles;
import io.vlstream.output.VlstreamOutput;
import io.vlstream.serde.AvroCodec;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vlstream demo}: a real Kafka broker, the job on a Flink MiniCluster, the built-in
 * detector, a real video and an instruction; prints grounded captions as they are committed.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description =
                "Run vlstream end to end on this machine: Kafka broker + Flink MiniCluster +"
                        + " built-in model + sample video (vtest.avi) and print grounded captions.")
final class DemoCommand implements Callable<Integer> {

    /** Where the demo writes what the job committed, unless {@code --out} says otherwise. */
    static final Path DEFAULT_OUTPUT = Path.of("vlstream-demo-output");

    @Option(
            names = "--video",
            description = "Video file to stream (default: vtest.avi from Debian's opencv-doc).")
    Path video;

    @Option(
            names = "--instruction",
            defaultValue = "people walking near a parked van",
            description = "What to look for (default: ${DEFAULT-VALUE}).")
    String instruction;

    @Option(
            names = "--frames",
            defaultValue = "0",
            description = "Stream at most this many frames (0: the whole video).")
    int maxFrames;

    @Option(
            names = "--fps",
            defaultValue = "-1",
            description =
                    "Publish at this many frames/s (default: at the video's own pace, like a live"
                            + " camera; 0: as fast as possible).")
    double fps;

    @Option(
            names = "--bad-input",
            negatable = true,
            defaultValue = "true",
            description =
                    "After the video, publish two broken frames to show the dead-letter path"
                            + " (on by default; --no-bad-input skips it).")
    boolean showBadInput;

    @Option(names = "--stream", defaultValue = "vtest", description = "Stream id of the video.")
    String streamId;

    @Option(
            names = "--parallelism",
            defaultValue = "2",
            description = "Flink parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(
            names = "--out",
            description =
                    "Directory to write the committed captions, scores and dead letters to, as"
                            + " Avro files (default: ${DEFAULT-VALUE}).")
    Path outputDir = DEFAULT_OUTPUT;

    @Option(
            names = {"-D", "--set"},
            description = "A vlstream setting, key=value (see 'vlstream options').")
    Map<String, String> settings = new HashMap<>();

    @Override
    public Integer call() throws Exception {
        Console out = new Console();
        out.heading("vlstream demo");
        Path videoFile = video != null ? video : SampleMedia.vtestAvi();
        out.step("video         " + videoFile);
        out.step("model         " + BuiltinModels.cocoCenterNetSavedModel());
        out.step("instruction   \"" + instruction + "\"");

        Configuration conf = new Configuration();
        conf.set(SelectionOptions.QUIET_TIMEOUT, Duration.ofSeconds(3));
        conf.set(VlstreamOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(1));
        settings.forEach(conf::setString);
        long started = System.nanoTime();
        // The video's event time starts when its first frame is published (set below), so
        // end-to-end latency leaves out the broker's and the job's start-up.
        AtomicLong videoStart = new AtomicLong();
        CaptionPrinter printer = new CaptionPrinter(out, videoStart::get);
        try (LocalVlstream local = LocalVlstream.start(conf, parallelism);
                TopicReader<GroundedCaption> captions = local.readCaptions(printer::print);
                TopicReader<AlignmentScore> scores = local.readScores(null);
                TopicReader<DeadLetter> deadLetters = local.readDeadLetters(out::deadLetter)) {
            out.step("kafka         " + local.bootstrapServers() + " (embedded KRaft broker)");
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createLocalEnvironment(
                            parallelism, LocalFlink.configuration());
            JobClient job = local.submit(env, b -> b);
            out.step(
                    "flink job     "
                            + job.getJobID()
                            + " on a MiniCluster, parallelism "
                            + parallelism);
            out.step("metrics       " + LocalFlink.prometheusAddress());

            Instruction demoInstruction =
                    Instruction.newBuilder()
                            .setInstructionId("demo")
                            .setText(instruction)
                            .setUpdatedAtMicros(System.currentTimeMillis() * 1_000)
                            .build();
            local.applyInstruction("demo", demoInstruction, Duration.ofMinutes(2));
            out.step("instruction   applied by every operator");

            videoStart.set(System.currentTimeMillis() * 1_000);
            int published = publish(local, videoFile, videoStart.get(), out);
            if (showBadInput) {
                publishBrokenFrames(local, out);
            }

            out.step("waiting for every frame to be scored ...");
            List<AlignmentScore> scored =
                    awaitScores(scores, published, out, Duration.ofMinutes(15));
            // The last moment closes when the stream has been quiet for the quiet timeout.
            Duration settle =
                    local.settings()
                            .selection()
                            .quietTimeout()
                            .plus(local.settings().checkpointInterval().multipliedBy(3));
            Thread.sleep(settle.toMillis());
            List<GroundedCaption> all = captions.records();
            job.cancel().get();
            VlstreamOutput committed =
                    new VlstreamOutput(all, scores.records(), deadLetters.records());
            OutputFiles.write(outputDir, committed);
            printOutput(outputDir, committed, out);
            out.summary(
                    published,
                    scored.size(),
                    all,
                    deadLetters.records().size(),
                    Duration.ofNanos(System.nanoTime() - started));
            return all.isEmpty() ? 1 : 0;
        }
    }

    private static void printOutput(Path dir, VlstreamOutput committed, Console console) {
        String where = dir.toAbsolutePath().normalize().toString();
        console.step(
                String.format(
                        "output        %s (%d captions, %d scores, %d dead letters as Avro files)",
                        where,
                        committed.captions().size(),
                        committed.scores().size(),
                        committed.deadLetters().size()));
        console.step("              vlstream report --input " + dir + "   → report.html");
        console.step(
                "              vlstream export --input " + dir + " --format label-studio|coco");
    }

    /**
     * Two broken frames, so the demo shows bad input landing on the DLQ with a reason while the job
     * runs on: a JPEG cut short and an empty record.
     */
    private void publishBrokenFrames(LocalVlstream local, Console out) throws Exception {
        try (VideoFileFrames one =
                VideoFileFrames.builder()
                        .setFile(video != null ? video : SampleMedia.vtestAvi())
                        .withStreamId(streamId)
                        .withMaxFrames(1)
                        .open()) {
            VideoFrame frame = one.next();
            ByteBuffer image = frame.getImage().duplicate();
            byte[] cut = new byte[image.remaining() / 2];
            image.get(cut);
            local.publishRawFrame(
                    streamId,
                    AvroCodec.of(VideoFrame.class)
                            .encode(
                                    VideoFrame.newBuilder(frame)
                                            .setImage(ByteBuffer.wrap(cut))
                                            .build()));
        }
        local.publishRawFrame(streamId, new byte[0]);
        out.step("also published 2 broken frames (a cut JPEG, an empty record): see the DLQ lines");
    }

    private int publish(LocalVlstream local, Path videoFile, long ptsBase, Console out)
            throws Exception {
        int published = 0;
        long start = System.nanoTime();
        try (VideoFileFrames frames =
                VideoFileFrames.builder()
                        .setFile(videoFile)
                        .withStreamId(streamId)
                        .withPtsBaseMicros(ptsBase)
                        .withMaxFrames(maxFrames > 0 ? maxFrames : Long.MAX_VALUE)
                        .open()) {
            Progress progress =
                    new Progress(
                            out,
                            "frames published",
                            maxFrames > 0
                                    ? Math.min(
                                            maxFrames, frames.info().frameCount().orElse(maxFrames))
                                    : frames.info().frameCount().orElse(0));
            while (frames.hasNext()) {
                VideoFrame frame = frames.next();
                if (fps != 0) {
                    long due =
                            fps > 0
                                    ? start + (long) (published * 1e9 / fps)
                                    : start + (frame.getPtsMicros() - ptsBase) * 1_000;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
                local.publishFrame(frame);
                published++;
                progress.update(published);
            }
            local.flushFrames();
            progress.done(published);
        }
        return published;
    }

    private static List<AlignmentScore> awaitScores(
            TopicReader<AlignmentScore> scores, int expected, Console out, Duration timeout)
            throws InterruptedException {
        Progress progress = new Progress(out, "frames scored", expected);
        long deadline = System.nanoTime() + timeout.toNanos();
        List<AlignmentScore> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            seen = scores.records();
            progress.update(seen.size());
            if (seen.size() >= expected) {
                break;
            }
            Thread.sleep(500);
        }
        progress.done(seen.size());
        return seen;
    }
}
