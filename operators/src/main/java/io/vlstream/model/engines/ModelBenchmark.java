package io.vlstream.model.engines;

import io.vlstream.model.CaptionRequest;
import io.vlstream.model.Captioner;
import io.vlstream.model.DetectorSettings;
import io.vlstream.model.DualEncoder;
import io.vlstream.model.ImageEncoder;
import io.vlstream.model.ObjectDetector;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Frames per second of each in-process model at several batch sizes, printed as a Markdown table:
 * the detector ({@code detectAll}), a dual encoder's image tower ({@code encodeImages}) and a
 * captioner (one caption per frame). Times include preprocessing (resize, normalisation) and the
 * copy in and out of TensorFlow, as the job pays them. Frames are synthetic 768x576 pictures (the
 * sample video's size), the same for every row.
 *
 * <pre>
 * java ... io.vlstream.model.engines.ModelBenchmark [--detector SPEC] [--image-encoder SPEC]
 *     [--captioner SPEC] [--batches 1,4,16,32] [--frames 64]
 * </pre>
 */
public final class ModelBenchmark {

    /** One measured row. */
    public record Row(
            String model, String spec, int batch, int frames, double seconds, double p50Ms) {
        public double framesPerSecond() {
            return frames / seconds;
        }
    }

    private final int frames;
    private final int[] batches;
    private final List<BufferedImage> images;

    /**
     * @param frames frames measured per row (rounded up to whole batches), after one warm-up batch
     * @param batches the batch sizes to measure
     */
    public ModelBenchmark(int frames, int[] batches) {
        if (frames < 1 || batches.length == 0) {
            throw new IllegalArgumentException("need at least one frame and one batch size");
        }
        this.frames = frames;
        this.batches = batches.clone();
        int max = Arrays.stream(batches).max().orElse(1);
        this.images = syntheticFrames(Math.max(frames, max), 768, 576);
    }

    /** The detector at each batch size (its graph may run one image at a time). */
    public List<Row> detector(String spec, ObjectDetector detector) {
        return measure(
                "detector " + detector.model().getId(),
                spec,
                batch -> {
                    for (BufferedImage image : batch) {
                        detector.detect(image);
                    }
                });
    }

    /** The image tower of a dual encoder at each batch size. */
    public List<Row> imageEncoder(String spec, ImageEncoder encoder) {
        return measure("image encoder " + encoder.model().getId(), spec, encoder::encodeImages);
    }

    /** A captioner, one caption per frame (batch 1: a caption is one moment). */
    public List<Row> captioner(String spec, Captioner captioner) {
        return measure(
                "captioner " + captioner.model().getId(),
                spec,
                new int[] {1},
                batch -> captioner.caption(CaptionRequest.of("a photo of", batch)));
    }

    private interface Work {
        void run(List<BufferedImage> batch);
    }

    private List<Row> measure(String model, String spec, Work work) {
        return measure(model, spec, batches, work);
    }

    private List<Row> measure(String model, String spec, int[] sizes, Work work) {
        List<Row> rows = new ArrayList<>();
        for (int batch : sizes) {
            work.run(images.subList(0, batch)); // warm-up: graph optimisation, allocation
            int calls = (frames + batch - 1) / batch;
            double[] ms = new double[calls];
            long start = System.nanoTime();
            for (int c = 0; c < calls; c++) {
                int from = (c * batch) % (images.size() - batch + 1);
                long t0 = System.nanoTime();
                work.run(images.subList(from, from + batch));
                ms[c] = (System.nanoTime() - t0) / 1e6;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Arrays.sort(ms);
            rows.add(new Row(model, spec, batch, calls * batch, seconds, ms[ms.length / 2]));
        }
        return rows;
    }

    /** The rows as a Markdown table. */
    public static void print(List<Row> rows, PrintStream out) {
        out.println("| model | batch | frames | seconds | frames/s | ms/batch p50 |");
        out.println("|---|---|---|---|---|---|");
        for (Row r : rows) {
            out.println(
                    String.format(
                            Locale.ROOT,
                            "| %s | %d | %d | %.2f | %.1f | %.1f |",
                            r.model(),
                            r.batch(),
                            r.frames(),
                            r.seconds(),
                            r.framesPerSecond(),
                            r.p50Ms()));
        }
    }

    /** Deterministic frames with coloured boxes on a gradient, so no two frames are alike. */
    static List<BufferedImage> syntheticFrames(int n, int width, int height) {
        Random random = new Random(42);
        List<BufferedImage> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
            Graphics2D g = image.createGraphics();
            g.setPaint(
                    new java.awt.GradientPaint(
                            0,
                            0,
                            new Color(random.nextInt()),
                            width,
                            height,
                            new Color(random.nextInt())));
            g.fillRect(0, 0, width, height);
            for (int b = 0; b < 6; b++) {
                g.setColor(new Color(random.nextInt()));
                g.fillRect(
                        random.nextInt(width),
                        random.nextInt(height),
                        20 + random.nextInt(200),
                        20 + random.nextInt(200));
            }
            g.dispose();
            out.add(image);
        }
        return out;
    }

    public static void main(String[] args) throws Exception {
        String detector = null;
        String imageEncoder = null;
        String captioner = null;
        int frames = 64;
        int[] batches = {1, 4, 16, 32};
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--detector" -> detector = value;
                case "--image-encoder" -> imageEncoder = value;
                case "--captioner" -> captioner = value;
                case "--frames" -> frames = Integer.parseInt(value);
                case "--batches" ->
                        batches =
                                Arrays.stream(value.split(","))
                                        .mapToInt(s -> Integer.parseInt(s.strip()))
                                        .toArray();
                default -> {
                    System.err.println(
                            "Unknown option "
                                    + args[i]
                                    + "\n"
                                    + "usage: ModelBenchmark [--detector SPEC] [--image-encoder SPEC]"
                                    + " [--captioner SPEC] [--batches 1,4,16,32] [--frames 64]");
                    System.exit(2);
                }
            }
            i++;
        }
        ModelBenchmark bench = new ModelBenchmark(frames, batches);
        List<Row> rows = new ArrayList<>();
        if (detector != null) {
            try (ObjectDetector d = Models.detector(detector, DetectorSettings.defaults())) {
                rows.addAll(bench.detector(detector, d));
            }
        }
        if (imageEncoder != null) {
            try (DualEncoder e = Models.dualEncoder(imageEncoder)) {
                rows.addAll(bench.imageEncoder(imageEncoder, e));
            }
        }
        if (captioner != null) {
            try (Captioner c = Models.captioner(captioner)) {
                rows.addAll(bench.captioner(captioner, c));
            }
        }
        System.out.printf(
                Locale.ROOT,
                "%d frames of 768x576 per row, %d CPU cores, Java %s%n%n",
                frames,
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        print(rows, System.out);
    }
}
