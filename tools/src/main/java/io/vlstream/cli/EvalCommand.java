package io.vlstream.cli;

import io.vlstream.analysis.ChangeGate;
import io.vlstream.avro.ModelRef;
import io.vlstream.avro.ThresholdMode;
import io.vlstream.avro.VideoFrame;
import io.vlstream.decode.DecodeLimits;
import io.vlstream.decode.ImageDecoder;
import io.vlstream.eval.DetectionCache;
import io.vlstream.eval.EvalFrame;
import io.vlstream.eval.SelectionEval;
import io.vlstream.eval.SelectionEval.InstructionResult;
import io.vlstream.eval.SelectionEval.MethodResult;
import io.vlstream.fetch.CacheDirectory;
import io.vlstream.fetch.SampleMedia;
import io.vlstream.instruction.InstructionCompiler;
import io.vlstream.instruction.LabelLexicon;
import io.vlstream.jobs.JobSettings;
import io.vlstream.media.VideoFileFrames;
import io.vlstream.model.DetectorSettings;
import io.vlstream.model.ObjectDetector;
import io.vlstream.model.builtin.BuiltinModels;
import io.vlstream.selection.SelectionPolicy;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vlstream eval}: dense scoring of every frame as the reference, against it vlstream's
 * streaming selection (with and without the change gate) and two baselines at the same captioner
 * budget; prints moment recall/precision and frames sent per instruction and overall. The method is
 * in docs/eval.md and {@link SelectionEval}.
 */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description =
                "Measure moment selection against dense scoring of every frame, and against"
                        + " uniform and top-k sampling at the same captioner budget.")
final class EvalCommand implements Callable<Integer> {

    /** The built-in set for vtest.avi: people, groups, vehicles, a relation, and a no-show. */
    static final List<String> BUILT_IN =
            List.of(
                    "people\ta person",
                    "group\tat least three people",
                    "crowd\tat least five people",
                    "big-crowd\tat least seven people",
                    "vehicle\ta vehicle",
                    "person-near-vehicle\ta person next to a vehicle",
                    "elephant\tan elephant");

    @Option(
            names = "--video",
            description = "Video file FFmpeg can decode (default: vtest.avi, fetched and cached).")
    Path video;

    @Option(
            names = "--instructions",
            description =
                    "File with one instruction per line, 'id<TAB>text' or just text; '#' starts a"
                            + " comment (default: the built-in set for vtest.avi).")
    Path instructions;

    @Option(
            names = "--frames-per-minute",
            description =
                    "Captioner budget per instruction (default: "
                            + "vlstream.selection.max-frames-per-minute).")
    Integer framesPerMinute;

    @Option(
            names = "--max-frames",
            defaultValue = "0",
            description = "Use only the first N frames (0: all).")
    long maxFrames;

    @Option(
            names = "--no-cache",
            description = "Run the detector even if the video's detections are cached.")
    boolean noCache;

    @Option(
            names = {"-D"},
            description =
                    "Any vlstream setting, key=value (e.g. -D vlstream.change-gate.max-mean-diff=0.01).")
    Map<String, String> settings = new HashMap<>();

    @Override
    public Integer call() throws Exception {
        Console out = new Console();
        out.heading("vlstream eval");
        JobSettings job = JobSettings.from(Configuration.fromMap(settings));
        int budget =
                framesPerMinute != null ? framesPerMinute : job.selection().maxFramesPerMinute();
        if (budget <= 0) {
            throw new IllegalArgumentException(
                    "--frames-per-minute must be > 0: the comparison is at a budget");
        }
        Path file = video != null ? video : SampleMedia.vtestAvi();
        List<EvalFrame> frames = denseFrames(file, job, out);
        double fps = frameRate(frames);
        long frameInterval = Math.round(1e6 / fps);

        InstructionCompiler compiler =
                new InstructionCompiler(LabelLexicon.of(job.models().detectorLabels()));
        List<SelectionEval.Instruction> list = new ArrayList<>();
        for (String line : instructionLines()) {
            String[] parts = line.split("\t", 2);
            String id = parts.length == 2 ? parts[0].trim() : "i" + (list.size() + 1);
            String text = parts.length == 2 ? parts[1].trim() : parts[0].trim();
            list.add(
                    new SelectionEval.Instruction(
                            id,
                            text,
                            compiler.compile(text),
                            job.selection().scoreThreshold(),
                            3,
                            ThresholdMode.FIXED,
                            0.9f));
        }
        SelectionEval.Settings evalSettings =
                new SelectionEval.Settings(
                        SelectionPolicy.defaults(),
                        job.selection().updateInterval().toNanos() / 1_000,
                        budget,
                        job.models().changeGate(),
                        0.5,
                        frameInterval,
                        job.models().detectorMinScore());
        SelectionEval.Report report = new SelectionEval(evalSettings).run(frames, list);
        print(out, file, report, budget, job);
        return 0;
    }

    private List<String> instructionLines() throws IOException {
        List<String> lines = instructions == null ? BUILT_IN : Files.readAllLines(instructions);
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            if (!line.isBlank() && !line.strip().startsWith("#")) {
                out.add(line);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("No instruction in " + instructions);
        }
        return out;
    }

    /** Every frame's detections and thumbnail: from the cache, or the model (then cached). */
    private List<EvalFrame> denseFrames(Path file, JobSettings job, Console out) throws Exception {
        DetectorSettings detector = DetectorSettings.defaults();
        Path cacheFile =
                CacheDirectory.dir("eval")
                        .resolve(
                                DetectionCache.fileName(
                                        file,
                                        "centernet/"
                                                + detector
                                                + "/thumb"
                                                + ChangeGate.WIDTH
                                                + "x"
                                                + ChangeGate.HEIGHT
                                                + "/max"
                                                + maxFrames));
        if (!noCache) {
            Optional<List<EvalFrame>> cached = DetectionCache.read(cacheFile);
            if (cached.isPresent()) {
                out.step(
                        cached.get().size()
                                + " frames' detections from the cache ("
                                + cacheFile
                                + ")");
                return cached.get();
            }
        }
        VideoFileFrames.VideoInfo info = VideoFileFrames.probe(file);
        long total =
                maxFrames > 0
                        ? Math.min(maxFrames, info.frameCount().orElse(maxFrames))
                        : info.frameCount().orElse(0);
        out.step(
                "dense reference: running the detector on every frame of "
                        + file.getFileName()
                        + " (cached afterwards)");
        ImageDecoder decoder = new ImageDecoder(DecodeLimits.defaults());
        List<EvalFrame> frames = new ArrayList<>();
        Progress progress = new Progress(out, "frames analyzed", total);
        try (ObjectDetector model = BuiltinModels.cocoCenterNet(detector);
                VideoFileFrames video =
                        VideoFileFrames.builder()
                                .setFile(file)
                                .withStreamId("eval")
                                .withPtsBaseMicros(0)
                                .withMaxFrames(maxFrames > 0 ? maxFrames : Long.MAX_VALUE)
                                .open()) {
            ModelRef ref = model.model();
            out.step("model " + ref.getId() + " " + ref.getVersion());
            while (video.hasNext()) {
                VideoFrame frame = video.next();
                BufferedImage image = decoder.decode(frame);
                frames.add(
                        new EvalFrame(
                                frame.getSequence(),
                                frame.getPtsMicros(),
                                frame.getWidth(),
                                frame.getHeight(),
                                model.detect(image),
                                ChangeGate.thumbnail(image)));
                progress.update(frames.size());
            }
        }
        progress.done(frames.size());
        DetectionCache.write(cacheFile, frames);
        return frames;
    }

    private static double frameRate(List<EvalFrame> frames) {
        if (frames.size() < 2) {
            return 10.0;
        }
        long span = frames.get(frames.size() - 1).ptsMicros() - frames.get(0).ptsMicros();
        return (frames.size() - 1) * 1e6 / span;
    }

    private static void print(
            Console out, Path file, SelectionEval.Report report, int budget, JobSettings job) {
        StringBuilder b = new StringBuilder();
        b.append(
                String.format(
                        Locale.ROOT,
                        "%n%s: %d frames, %.2f min; budget %d frames/min per instruction"
                                + " (%.1f%% of frames at this rate); threshold %.2f; temporal IoU"
                                + " >= 0.5%n%n",
                        file.getFileName(),
                        report.frames(),
                        report.minutes(),
                        budget,
                        100.0 * budget * report.minutes() / report.frames(),
                        job.selection().scoreThreshold()));
        b.append(
                String.format(
                        "| %-22s | %-18s | %4s | %7s | %6s | %9s | %11s | %11s | %8s | %9s |%n",
                        "instruction",
                        "method",
                        "ref",
                        "moments",
                        "recall",
                        "precision",
                        "frames sent",
                        "frames/min",
                        "% frames",
                        "max 60 s"));
        b.append(
                "|------------------------|--------------------|------|---------|--------|"
                        + "-----------|-------------|-------------|----------|-----------|\n");
        for (InstructionResult r : report.instructions()) {
            for (MethodResult m : r.methods()) {
                row(b, r.instruction().id(), m, report);
            }
        }
        for (MethodResult m : report.overall()) {
            row(b, "ALL", m, report);
        }
        int frames = report.frames();
        b.append(
                String.format(
                        Locale.ROOT,
                        "%nchange gate: %d of %d frames went to the model, %d reused (%.1f%% of"
                                + " model calls saved)%n",
                        report.modelCalls(),
                        frames,
                        frames - report.modelCalls(),
                        100.0 * (frames - report.modelCalls()) / frames));
        b.append("instructions:\n");
        for (InstructionResult r : report.instructions()) {
            b.append(
                    String.format(
                            "  %-22s \"%s\"%n", r.instruction().id(), r.instruction().text()));
        }
        out.block(b.toString());
    }

    private static void row(
            StringBuilder b, String id, MethodResult m, SelectionEval.Report report) {
        int sent = m.framesSent();
        int instructions = Math.max(1, report.instructions().size());
        boolean overall = "ALL".equals(id);
        double perMinute = sent / report.minutes() / (overall ? instructions : 1);
        double share = 100.0 * sent / report.frames() / (overall ? instructions : 1);
        b.append(
                String.format(
                        Locale.ROOT,
                        "| %-22s | %-18s | %4d | %7d | %6s | %9s | %11d | %11.1f | %7.2f%% | %9d |%n",
                        id,
                        m.method(),
                        m.reference(),
                        m.moments(),
                        fraction(m.recall()),
                        fraction(m.precision()),
                        sent,
                        perMinute,
                        share,
                        m.maxFramesInAMinute()));
    }

    private static String fraction(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }
}
