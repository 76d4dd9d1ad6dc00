package io.vlstream.model.tf;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Small but real SavedModels built with TensorFlow Java for the model adapters' tests and the
 * benchmark: a dual encoder whose towers see colour, and a captioner whose decoder says the colour
 * of the image it was shown.
 */
public final class TestSavedModels {

    /** Vocabulary of the test tokenizer, in id order. */
    public static final List<String> VOCAB =
            List.of(
                    "[PAD]", "[UNK]", "[BOS]", "[EOS]", "a", "red", "blue", "square", "photo", "of",
                    "big", "green");

    static final int PAD = 0;
    static final int BOS = 2;
    static final int EOS = 3;
    static final int A = 4;
    static final int RED = 5;
    static final int BLUE = 6;
    static final int SQUARE = 7;
    static final int PHOTO = 8;
    static final int OF = 9;

    /** Text length the dual encoder's text tower takes. */
    static final int TEXT_LENGTH = 6;

    /** Embedding size of the dual encoder. */
    static final int DIM = 4;

    private TestSavedModels() {}

    /** Builds signatures on a fresh graph and exports them as a SavedModel in {@code dir}. */
    public static Path export(Path dir, Function<Ops, List<Signature>> build) throws IOException {
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            List<Signature> signatures = build.apply(Ops.create(g));
            SavedModelBundle.exporter(dir.toString())
                    .withSession(s)
                    .withSignatures(signatures.toArray(new Signature[0]))
                    .export();
        }
        return dir;
    }

    /** A WordLevel tokenizer.json over {@link #VOCAB}: lower-cases, splits on whitespace. */
    public static Path writeTokenizer(Path file) throws IOException {
        StringBuilder vocab = new StringBuilder();
        StringBuilder added = new StringBuilder();
        for (int i = 0; i < VOCAB.size(); i++) {
            String t = VOCAB.get(i);
            vocab.append(i == 0 ? "" : ",").append('"').append(t).append("\":").append(i);
            if (t.startsWith("[")) {
                added.append(added.length() == 0 ? "" : ",")
                        .append("{\"id\":")
                        .append(i)
                        .append(",\"content\":\"")
                        .append(t)
                        .append(
                                "\",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,"
                                        + "\"normalized\":false,\"special\":true}");
            }
        }
        Files.writeString(
                file,
                "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":["
                        + added
                        + "],\"normalizer\":{\"type\":\"Lowercase\"},"
                        + "\"pre_tokenizer\":{\"type\":\"Whitespace\"},\"post_processor\":null,"
                        + "\"decoder\":null,\"model\":{\"type\":\"WordLevel\",\"vocab\":{"
                        + vocab
                        + "},\"unk_token\":\"[UNK]\"}}");
        return file;
    }

    /** Mean RGB (0..1 input) of NHWC images: [batch, 3]. */
    static Operand<TFloat32> meanRgb(Ops tf, Operand<TFloat32> images) {
        return tf.math.mean(images, tf.constant(new int[] {1, 2}));
    }

    static Placeholder<TFloat32> images(Ops tf, long size) {
        return tf.withName("images")
                .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, size, size, 3)));
    }

    /** The image tower: mean RGB projected to 4 dims (R, G, B, a constant "photo" component). */
    static Signature imageTower(Ops tf, long size) {
        Placeholder<TFloat32> images = images(tf, size);
        Operand<TFloat32> projection =
                tf.constant(
                        new float[][] {
                            {1, 0, 0, 0},
                            {0, 1, 0, 0},
                            {0, 0, 1, 0}
                        });
        Operand<TFloat32> embeddings =
                tf.math.add(
                        tf.linalg.matMul(meanRgb(tf, images), projection),
                        tf.constant(new float[] {0, 0, 0, 0.2f}));
        return Signature.builder("encode_image")
                .input("images", images)
                .output("embeddings", embeddings)
                .build();
    }

    /** The text tower: masked sum of a fixed embedding table over the token ids. */
    static Signature textTower(Ops tf) {
        Placeholder<TInt64> ids =
                tf.withName("input_ids")
                        .placeholder(TInt64.class, Placeholder.shape(Shape.of(-1, TEXT_LENGTH)));
        Placeholder<TInt64> mask =
                tf.withName("attention_mask")
                        .placeholder(TInt64.class, Placeholder.shape(Shape.of(-1, TEXT_LENGTH)));
        float[][] table = new float[VOCAB.size()][DIM];
        table[RED][0] = 1;
        table[11][1] = 1; // green
        table[BLUE][2] = 1;
        for (int word : new int[] {A, SQUARE, PHOTO, OF, 10}) {
            table[word][3] = 0.2f;
        }
        Operand<TFloat32> tokens = tf.gather(tf.constant(table), ids, tf.constant(0));
        Operand<TFloat32> weights =
                tf.expandDims(tf.dtypes.cast(mask, TFloat32.class), tf.constant(-1));
        Operand<TFloat32> embeddings = tf.sum(tf.math.mul(tokens, weights), tf.constant(1));
        return Signature.builder("encode_text")
                .input("input_ids", ids)
                .input("attention_mask", mask)
                .output("embeddings", embeddings)
                .build();
    }

    /** Logit scale 10 and bias -5, as a SigLIP export would carry them. */
    static Signature calibration(Ops tf) {
        return Signature.builder("logit_scale")
                .output("logit_scale", tf.constant(10f))
                .output("logit_bias", tf.constant(-5f))
                .build();
    }

    /** The dual encoder (8x8 images, 0..1) with its tokenizer.json in {@code dir}. */
    public static Path dualEncoder(Path dir) throws IOException {
        return dualEncoder(dir, 8);
    }

    /** The dual encoder at a given image size (the benchmark uses 224). */
    public static Path dualEncoder(Path dir, int imageSize) throws IOException {
        export(dir, tf -> List.of(imageTower(tf, imageSize), textTower(tf), calibration(tf)));
        writeTokenizer(dir.resolve("tokenizer.json"));
        return dir;
    }

    /**
     * The captioner. Encoder: 8x8 images → mean RGB [batch, 3]. Decoder step: next-token logits
     * from the last token and the image's redness (R - B):
     *
     * <ul>
     *   <li>[BOS] → "photo" (p≈0.55) or "a" (p≈0.45);
     *   <li>"photo" → nearly uniform over 8 tokens, "of" slightly ahead;
     *   <li>"of" → "a"; "a" → "red" for a red image, "blue" for a blue one;
     *   <li>"red"/"blue" → "square"; "square" and anything else → [EOS].
     * </ul>
     *
     * So greedy decoding from [BOS] says "photo of a red square" while beam search finds the more
     * probable "a red square".
     */
    public static Path captioner(Path dir) throws IOException {
        return captioner(dir, 8);
    }

    /** The captioner at a given image size. */
    public static Path captioner(Path dir, int imageSize) throws IOException {
        int v = VOCAB.size();
        float[][] base = new float[v][v];
        float[][] colour = new float[v][v];
        for (float[] row : base) {
            java.util.Arrays.fill(row, -10f);
            row[EOS] = 10f;
        }
        java.util.Arrays.fill(base[BOS], -10f);
        base[BOS][PHOTO] = 1.2f;
        base[BOS][A] = 1.0f;
        java.util.Arrays.fill(base[PHOTO], -10f);
        for (int t : new int[] {EOS, A, RED, BLUE, SQUARE, 10, 11}) {
            base[PHOTO][t] = 0f;
        }
        base[PHOTO][OF] = 0.1f;
        java.util.Arrays.fill(base[OF], -10f);
        base[OF][A] = 10f;
        java.util.Arrays.fill(base[A], -10f);
        base[A][RED] = 5f;
        base[A][BLUE] = 5f;
        colour[A][RED] = 5f;
        colour[A][BLUE] = -5f;
        for (int c : new int[] {RED, BLUE}) {
            java.util.Arrays.fill(base[c], -10f);
            base[c][SQUARE] = 10f;
        }
        export(
                dir,
                tf -> {
                    Placeholder<TFloat32> images = images(tf, imageSize);
                    Signature encoder =
                            Signature.builder("encoder")
                                    .input("images", images)
                                    .output("features", meanRgb(tf, images))
                                    .build();
                    Placeholder<TFloat32> features =
                            tf.withName("features")
                                    .placeholder(
                                            TFloat32.class, Placeholder.shape(Shape.of(-1, 3)));
                    Placeholder<TInt32> ids =
                            tf.withName("input_ids")
                                    .placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
                    Operand<TInt32> last =
                            tf.gather(
                                    tf.reverse(ids, tf.constant(new int[] {1})),
                                    tf.constant(0),
                                    tf.constant(1));
                    Operand<TFloat32> redness =
                            tf.expandDims(
                                    tf.math.sub(
                                            tf.gather(features, tf.constant(0), tf.constant(1)),
                                            tf.gather(features, tf.constant(2), tf.constant(1))),
                                    tf.constant(-1));
                    Operand<TFloat32> logits =
                            tf.math.add(
                                    tf.gather(tf.constant(base), last, tf.constant(0)),
                                    tf.math.mul(
                                            tf.gather(tf.constant(colour), last, tf.constant(0)),
                                            redness));
                    Signature step =
                            Signature.builder("decoder_step")
                                    .input("features", features)
                                    .input("input_ids", ids)
                                    .output("logits", logits)
                                    .build();
                    return List.of(encoder, step);
                });
        writeTokenizer(dir.resolve("tokenizer.json"));
        return dir;
    }

    /**
     * A dual encoder whose image tower has the shape and cost of CLIP ViT-B/32's (224x224 input,
     * 32x32 patches, 12 transformer blocks of width 768 with MLP 3072, projection to 512), with
     * random weights: one block's weights are reused by all 12 blocks to keep the SavedModel small,
     * attention is single-headed (the same multiply-adds as 12 heads of 64) and there is no layer
     * norm. For the benchmark only: its embeddings mean nothing.
     */
    public static Path vitB32ShapedDualEncoder(Path dir) throws IOException {
        int width = 768;
        int mlp = 3072;
        int tokens = 49;
        int out = 512;
        java.util.Random random = new java.util.Random(7);
        export(
                dir,
                tf -> {
                    Placeholder<TFloat32> images = images(tf, 224);
                    Operand<TFloat32> patches =
                            tf.nn.conv2d(
                                    images,
                                    tf.constant(randomNormal(random, 0.02f, 32, 32, 3, width)),
                                    List.of(1L, 32L, 32L, 1L),
                                    "VALID");
                    Operand<TFloat32> x = tf.reshape(patches, tf.constant(new int[] {-1, width}));
                    Operand<TFloat32> wq = tf.constant(randomMatrix(random, width, width));
                    Operand<TFloat32> wk = tf.constant(randomMatrix(random, width, width));
                    Operand<TFloat32> wv = tf.constant(randomMatrix(random, width, width));
                    Operand<TFloat32> wo = tf.constant(randomMatrix(random, width, width));
                    Operand<TFloat32> w1 = tf.constant(randomMatrix(random, width, mlp));
                    Operand<TFloat32> w2 = tf.constant(randomMatrix(random, mlp, width));
                    Operand<org.tensorflow.types.TInt32> seqShape =
                            tf.constant(new int[] {-1, tokens, width});
                    Operand<TFloat32> scale = tf.constant((float) (1 / Math.sqrt(width)));
                    for (int layer = 0; layer < 12; layer++) {
                        Operand<TFloat32> q = tf.reshape(tf.linalg.matMul(x, wq), seqShape);
                        Operand<TFloat32> k = tf.reshape(tf.linalg.matMul(x, wk), seqShape);
                        Operand<TFloat32> v = tf.reshape(tf.linalg.matMul(x, wv), seqShape);
                        Operand<TFloat32> attention =
                                tf.nn.softmax(
                                        tf.math.mul(
                                                tf.train.batchMatMul(
                                                        q,
                                                        k,
                                                        TFloat32.class,
                                                        org.tensorflow.op.train.BatchMatMul.adjY(
                                                                true)),
                                                scale));
                        Operand<TFloat32> mixed =
                                tf.reshape(
                                        tf.train.batchMatMul(attention, v, TFloat32.class),
                                        tf.constant(new int[] {-1, width}));
                        x = tf.math.add(x, tf.linalg.matMul(mixed, wo));
                        x =
                                tf.math.add(
                                        x,
                                        tf.linalg.matMul(tf.nn.relu(tf.linalg.matMul(x, w1)), w2));
                    }
                    Operand<TFloat32> pooled =
                            tf.math.mean(tf.reshape(x, seqShape), tf.constant(1));
                    Operand<TFloat32> embeddings =
                            tf.linalg.matMul(pooled, tf.constant(randomMatrix(random, width, out)));
                    Signature image =
                            Signature.builder("encode_image")
                                    .input("images", images)
                                    .output("embeddings", embeddings)
                                    .build();
                    Placeholder<TInt64> ids =
                            tf.withName("input_ids")
                                    .placeholder(TInt64.class, Placeholder.shape(Shape.of(-1, 77)));
                    Operand<TFloat32> text =
                            tf.sum(
                                    tf.gather(
                                            tf.constant(randomMatrix(random, VOCAB.size(), out)),
                                            ids,
                                            tf.constant(0)),
                                    tf.constant(1));
                    Signature textSig =
                            Signature.builder("encode_text")
                                    .input("input_ids", ids)
                                    .output("embeddings", text)
                                    .build();
                    return List.of(image, textSig);
                });
        writeTokenizer(dir.resolve("tokenizer.json"));
        return dir;
    }

    private static float[][] randomMatrix(java.util.Random random, int rows, int cols) {
        float[][] m = new float[rows][cols];
        for (float[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = (float) random.nextGaussian() * 0.02f;
            }
        }
        return m;
    }

    private static org.tensorflow.ndarray.FloatNdArray randomNormal(
            java.util.Random random, float std, long... shape) {
        org.tensorflow.ndarray.FloatNdArray a =
                org.tensorflow.ndarray.NdArrays.ofFloats(Shape.of(shape));
        a.scalars().forEach(s -> s.setFloat((float) random.nextGaussian() * std));
        return a;
    }

    /**
     * Writes the benchmark's models under {@code args[0]}: {@code colours} (the test dual encoder
     * at 224x224), {@code vit-b32-shaped} and {@code captioner} (224x224).
     */
    public static void main(String[] args) throws IOException {
        Path root = Path.of(args[0]);
        dualEncoder(root.resolve("colours"), 224);
        vitB32ShapedDualEncoder(root.resolve("vit-b32-shaped"));
        captioner(root.resolve("captioner"), 224);
        System.out.println(
                "Wrote "
                        + root.resolve("colours")
                        + ", "
                        + root.resolve("vit-b32-shaped")
                        + ", "
                        + root.resolve("captioner"));
    }

    /** A solid-colour image, as decoders hand them over (3-byte BGR). */
    public static BufferedImage solid(Color colour, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        g.setColor(colour);
        g.fillRect(0, 0, width, height);
        g.dispose();
        return image;
    }
}
