package io.vlstream.model.tf;

import io.vlstream.avro.ModelRef;
import io.vlstream.model.DualEncoder;
import io.vlstream.model.HfTokenizer;
import io.vlstream.model.ImagePreprocessing;
import io.vlstream.model.ModelConfigurationException;
import io.vlstream.model.ModelSpec;
import io.vlstream.model.SimilarityCalibration;
import io.vlstream.model.tf.SavedModels.Context;
import io.vlstream.model.tf.TfCalls.Floats;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.Signature.TensorDescription;
import org.tensorflow.Tensor;
import org.tensorflow.proto.DataType;

/**
 * A CLIP/SigLIP-style dual encoder from a TensorFlow SavedModel: an image signature (float images →
 * embeddings [batch, D]), a text signature (token ids [batch, length] and optionally an attention
 * mask → embeddings [batch, D]), and a logit scale and bias from the spec or a {@code logit_scale}
 * signature. Text is tokenized with the model's {@code tokenizer.json}. See docs/models.md for the
 * contract and the spec parameters. Thread-safe.
 */
public final class SavedModelDualEncoder implements DualEncoder {

    /** The spec parameters this adapter reads. */
    public static final Set<String> PARAMS =
            Set.of(
                    "image-signature",
                    "text-signature",
                    "calibration-signature",
                    "image-input",
                    "image-output",
                    "text-input",
                    "text-mask-input",
                    "text-output",
                    "image-size",
                    "pixels",
                    "mean",
                    "std",
                    "layout",
                    "resize",
                    "tokenizer",
                    "max-length",
                    "pad-token",
                    "logit-scale",
                    "logit-bias",
                    "max-batch",
                    "text-cache",
                    "threads",
                    "device",
                    "gpu",
                    "id",
                    "version");

    static final String ROLE = "dual-encoder";

    private final SavedModelBundle bundle;
    private final HfTokenizer tokenizer;
    private final SessionFunction imageFn;
    private final SessionFunction textFn;
    private final String imageInput;
    private final String imageOutput;
    private final String textInput;
    private final String maskInput;
    private final String textOutput;
    private final DataType idType;
    private final DataType maskType;
    private final ImagePreprocessing preprocessing;
    private final int maxBatch;
    private final int maxLength;
    private final long padId;
    private final SimilarityCalibration calibration;
    private final ModelRef model;
    private final Map<String, float[]> textCache;
    private final int dimension;

    private SavedModelDualEncoder(ModelSpec spec) {
        spec.requireKnownParams(ROLE, PARAMS);
        Context ctx = new Context(spec, ROLE);
        this.bundle = SavedModels.load(ctx);
        HfTokenizer tok = null;
        try {
            imageFn =
                    SavedModels.function(
                            bundle, ctx, spec.param("image-signature", "encode_image"));
            textFn = SavedModels.function(bundle, ctx, spec.param("text-signature", "encode_text"));
            Signature is = imageFn.signature();
            imageInput =
                    SavedModels.pick(
                            ctx,
                            is,
                            true,
                            "images",
                            "image-input",
                            List.of("images", "pixel_values", "image", "input"));
            SavedModels.check(
                    ctx,
                    is,
                    true,
                    imageInput,
                    "images",
                    4,
                    "[batch, H, W, 3] (or [batch, 3, H, W] with layout=nchw)",
                    DataType.DT_FLOAT);
            if (is.getInputs().size() != 1) {
                throw ctx.error(
                        "signature '"
                                + is.key()
                                + "' must take only the images; found inputs "
                                + SavedModels.describe(is.getInputs()));
            }
            imageOutput =
                    SavedModels.pick(
                            ctx,
                            is,
                            false,
                            "image embeddings",
                            "image-output",
                            List.of("embeddings", "image_embeds", "image_embeddings"));
            SavedModels.check(
                    ctx,
                    is,
                    false,
                    imageOutput,
                    "image embeddings",
                    2,
                    "[batch, D]",
                    DataType.DT_FLOAT);
            preprocessing = SavedModels.imageInput(ctx, is, imageInput);
            long fixedBatch = SavedModels.staticBatch(is.getInputs().get(imageInput));
            int requested = spec.intParam("max-batch", 32);
            if (requested < 1) {
                throw ctx.error("max-batch must be at least 1, found " + requested);
            }
            maxBatch = fixedBatch > 0 ? (int) fixedBatch : requested;

            Signature ts = textFn.signature();
            textInput =
                    SavedModels.pick(
                            ctx,
                            ts,
                            true,
                            "token ids",
                            "text-input",
                            List.of("input_ids", "ids", "tokens", "text"));
            TensorDescription ids =
                    SavedModels.check(
                            ctx,
                            ts,
                            true,
                            textInput,
                            "token ids",
                            2,
                            "[batch, length]",
                            DataType.DT_INT32,
                            DataType.DT_INT64);
            idType = ids.dataType;
            SavedModels.MaskInput mask = SavedModels.optionalMask(ctx, ts, "text-mask-input");
            maskInput = mask.name();
            maskType = mask.dataType();
            for (String name : ts.inputNames()) {
                if (!name.equals(textInput) && !name.equals(maskInput)) {
                    throw ctx.error(
                            "signature '"
                                    + ts.key()
                                    + "' takes input '"
                                    + name
                                    + "' that is neither the token ids nor the attention mask;"
                                    + " expected input_ids [batch, length] and optionally"
                                    + " attention_mask, found inputs "
                                    + SavedModels.describe(ts.getInputs()));
                }
            }
            textOutput =
                    SavedModels.pick(
                            ctx,
                            ts,
                            false,
                            "text embeddings",
                            "text-output",
                            List.of("embeddings", "text_embeds", "text_embeddings"));
            SavedModels.check(
                    ctx,
                    ts,
                    false,
                    textOutput,
                    "text embeddings",
                    2,
                    "[batch, D]",
                    DataType.DT_FLOAT);
            long staticLength =
                    ids.shape.isUnknown() || ids.shape.numDimensions() < 2 ? -1 : ids.shape.size(1);
            int configuredLength = spec.intParam("max-length", -1);
            if (configuredLength > 0 && staticLength > 0 && configuredLength != staticLength) {
                throw ctx.error(
                        "max-length="
                                + configuredLength
                                + " but signature '"
                                + ts.key()
                                + "' takes token ids of shape "
                                + SavedModels.shape(ids.shape));
            }
            maxLength =
                    configuredLength > 0
                            ? configuredLength
                            : staticLength > 0 ? (int) staticLength : 64;

            Path dir = Path.of(spec.location());
            try {
                tok =
                        HfTokenizer.open(
                                Path.of(
                                        spec.param(
                                                "tokenizer",
                                                dir.resolve("tokenizer.json").toString())));
            } catch (ModelConfigurationException e) {
                throw ctx.error(e.getMessage(), e);
            }
            tokenizer = tok;
            String padToken = spec.params().get("pad-token");
            if (padToken != null) {
                padId =
                        tokenizer
                                .idOf(padToken)
                                .orElseThrow(
                                        () ->
                                                ctx.error(
                                                        "pad-token '"
                                                                + padToken
                                                                + "' is not a single token of "
                                                                + tokenizer.file()));
            } else {
                padId = 0;
            }
            calibration = calibration(ctx, spec);
            model = SavedModels.lineage(ctx, ROLE);
            int cacheSize = spec.intParam("text-cache", 1024);
            textCache =
                    new LinkedHashMap<>(16, 0.75f, true) {
                        @Override
                        protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
                            return size() > cacheSize;
                        }
                    };
            // One call per tower now, so a model that cannot run fails at startup, not per frame.
            int imageDim;
            int textDim;
            try {
                imageDim =
                        embedImages(List.of(new BufferedImage(8, 8, BufferedImage.TYPE_3BYTE_BGR)))[
                                0]
                                .length;
                textDim = embedText("a photo").length;
            } catch (RuntimeException e) {
                throw ctx.error("a test call failed: " + e.getMessage(), e);
            }
            if (imageDim != textDim) {
                throw ctx.error(
                        "expected image and text embeddings of one size, found "
                                + imageDim
                                + " (image) and "
                                + textDim
                                + " (text)");
            }
            dimension = imageDim;
        } catch (RuntimeException e) {
            if (tok != null) {
                tok.close();
            }
            bundle.close();
            throw e;
        }
    }

    /**
     * Opens the dual encoder a {@code savedmodel:} spec names.
     *
     * @throws ModelConfigurationException saying what was expected and found
     */
    public static SavedModelDualEncoder open(ModelSpec spec) {
        return new SavedModelDualEncoder(spec);
    }

    private SimilarityCalibration calibration(Context ctx, ModelSpec spec) {
        var scale = spec.floatParam("logit-scale");
        var bias = spec.floatParam("logit-bias");
        String sigName = spec.param("calibration-signature", "logit_scale");
        boolean hasSig = bundle.signatures().stream().anyMatch(s -> s.key().equals(sigName));
        float s;
        float b = bias.orElse(0f);
        if (scale.isPresent()) {
            s = scale.get();
        } else if (hasSig) {
            SessionFunction fn = bundle.function(sigName);
            Signature sig = fn.signature();
            if (!sig.getInputs().isEmpty() || !sig.outputNames().contains("logit_scale")) {
                throw ctx.error(
                        "signature '"
                                + sigName
                                + "': expected no inputs and a float32 scalar"
                                + " output 'logit_scale' (and optionally 'logit_bias'), found "
                                + SavedModels.describe(sig));
            }
            boolean withBias = sig.outputNames().contains("logit_bias");
            Map<String, Floats> out =
                    withBias
                            ? TfCalls.call(fn, Map.of(), "logit_scale", "logit_bias")
                            : TfCalls.call(fn, Map.of(), "logit_scale");
            s = out.get("logit_scale").values()[0];
            if (withBias && bias.isEmpty()) {
                b = out.get("logit_bias").values()[0];
            }
        } else {
            throw ctx.error(
                    "expected the logit scale as a spec parameter (logit-scale=100, and"
                            + " logit-bias=... for SigLIP) or a signature '"
                            + sigName
                            + "' returning logit_scale; found neither (signatures "
                            + bundle.signatures().stream().map(Signature::key).sorted().toList()
                            + ")");
        }
        try {
            return new SimilarityCalibration(s, b);
        } catch (IllegalArgumentException e) {
            throw ctx.error(e.getMessage(), e);
        }
    }

    @Override
    public float[][] encodeImages(List<BufferedImage> images) {
        return embedImages(images);
    }

    private float[][] embedImages(List<BufferedImage> images) {
        List<float[]> out = new ArrayList<>(images.size());
        for (int from = 0; from < images.size(); from += maxBatch) {
            List<BufferedImage> chunk =
                    images.subList(from, Math.min(images.size(), from + maxBatch));
            float[] pixels = preprocessing.batch(chunk);
            Map<String, Tensor> in =
                    Map.of(imageInput, TfCalls.floats(pixels, preprocessing.shape(chunk.size())));
            Floats e = TfCalls.call(imageFn, in, imageOutput).get(imageOutput);
            rows(e, chunk.size(), out);
        }
        return out.toArray(new float[0][]);
    }

    private static void rows(Floats e, int expected, List<float[]> out) {
        if (e.shape().length != 2 || e.rows() != expected) {
            throw new IllegalStateException(
                    "expected embeddings ["
                            + expected
                            + ", D], got "
                            + java.util.Arrays.toString(e.shape()));
        }
        int d = e.rowSize();
        for (int r = 0; r < expected; r++) {
            out.add(
                    SimilarityCalibration.normalize(
                            java.util.Arrays.copyOfRange(e.values(), r * d, (r + 1) * d)));
        }
    }

    @Override
    public float[] encodeText(String text) {
        synchronized (textCache) {
            float[] cached = textCache.get(text);
            if (cached != null) {
                return cached.clone();
            }
        }
        float[] e = embedText(text);
        synchronized (textCache) {
            textCache.put(text, e);
        }
        return e.clone();
    }

    private float[] embedText(String text) {
        HfTokenizer.Tokens t = tokenizer.encodeFixed(text, maxLength, padId);
        Map<String, Tensor> in = new java.util.HashMap<>();
        in.put(textInput, TfCalls.ints(idType, t.ids(), 1, maxLength));
        if (maskInput != null) {
            in.put(maskInput, TfCalls.ints(maskType, t.mask(), 1, maxLength));
        }
        List<float[]> out = new ArrayList<>(1);
        rows(TfCalls.call(textFn, in, textOutput).get(textOutput), 1, out);
        return out.get(0);
    }

    /** How many distinct texts were encoded and are still cached (for tests and metrics). */
    public int cachedTexts() {
        synchronized (textCache) {
            return textCache.size();
        }
    }

    /** The image convention this model was opened with. */
    public ImagePreprocessing preprocessing() {
        return preprocessing;
    }

    @Override
    public SimilarityCalibration calibration() {
        return calibration;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public int maxBatchSize() {
        return maxBatch;
    }

    @Override
    public ModelRef model() {
        return ModelRef.newBuilder(model).build();
    }

    @Override
    public void close() {
        tokenizer.close();
        bundle.close();
    }
}
