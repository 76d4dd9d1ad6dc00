package io.vlstream.model.tf;

import io.vlstream.avro.ModelRef;
import io.vlstream.model.CaptionRequest;
import io.vlstream.model.Captioner;
import io.vlstream.model.HfTokenizer;
import io.vlstream.model.ImagePreprocessing;
import io.vlstream.model.ModelConfigurationException;
import io.vlstream.model.ModelSpec;
import io.vlstream.model.TokenSearch;
import io.vlstream.model.tf.SavedModels.Context;
import io.vlstream.model.tf.TfCalls.Floats;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
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
 * An image captioner (BLIP-, ViT-GPT2-style) from a TensorFlow SavedModel: an {@code encoder}
 * signature (images → features) and a {@code decoder_step} signature (features + token ids so far
 * [+ attention mask] → next-token logits), decoded greedily or with beam search in Java, prompted
 * with the request's caption prompt or instruction. The decoder step is stateless: it sees the
 * whole sequence each step (no KV cache). See docs/models.md. Thread-safe.
 */
public final class SavedModelCaptioner implements Captioner {

    /** The spec parameters this adapter reads. */
    public static final Set<String> PARAMS =
            Set.of(
                    "encoder-signature",
                    "decoder-signature",
                    "image-input",
                    "features-output",
                    "features-input",
                    "ids-input",
                    "mask-input",
                    "logits-output",
                    "image-size",
                    "pixels",
                    "mean",
                    "std",
                    "layout",
                    "resize",
                    "tokenizer",
                    "prompt",
                    "bos-token",
                    "stop-tokens",
                    "decode",
                    "beams",
                    "max-new-tokens",
                    "length-penalty",
                    "evidence",
                    "threads",
                    "device",
                    "gpu",
                    "id",
                    "version");

    static final String ROLE = "captioner";

    private final SavedModelBundle bundle;
    private final HfTokenizer tokenizer;
    private final SessionFunction encoder;
    private final SessionFunction decoder;
    private final String imageInput;
    private final String featuresOutput;
    private final String featuresInput;
    private final String idsInput;
    private final String maskInput;
    private final String logitsOutput;
    private final DataType idType;
    private final DataType maskType;
    private final ImagePreprocessing preprocessing;
    private final boolean usePrompt;
    private final long[] bos;
    private final TokenSearch search;
    private final boolean meanEvidence;
    private final ModelRef model;

    /** Shape of one image's features (without the batch dimension), set by each encoder call. */
    private volatile long[] featureShape;

    private SavedModelCaptioner(ModelSpec spec) {
        spec.requireKnownParams(ROLE, PARAMS);
        Context ctx = new Context(spec, ROLE);
        this.bundle = SavedModels.load(ctx);
        HfTokenizer tok = null;
        try {
            encoder = SavedModels.function(bundle, ctx, spec.param("encoder-signature", "encoder"));
            decoder =
                    SavedModels.function(
                            bundle, ctx, spec.param("decoder-signature", "decoder_step"));
            Signature es = encoder.signature();
            imageInput =
                    SavedModels.pick(
                            ctx,
                            es,
                            true,
                            "images",
                            "image-input",
                            List.of("images", "pixel_values", "image", "input"));
            SavedModels.check(
                    ctx,
                    es,
                    true,
                    imageInput,
                    "images",
                    4,
                    "[batch, H, W, 3] (or [batch, 3, H, W] with layout=nchw)",
                    DataType.DT_FLOAT);
            featuresOutput =
                    SavedModels.pick(
                            ctx,
                            es,
                            false,
                            "image features",
                            "features-output",
                            List.of("features", "image_embeds", "encoder_hidden_states"));
            TensorDescription features =
                    SavedModels.check(
                            ctx,
                            es,
                            false,
                            featuresOutput,
                            "image features",
                            -1,
                            "[batch, ...] of rank 2 or more",
                            DataType.DT_FLOAT);
            preprocessing = SavedModels.imageInput(ctx, es, imageInput);

            Signature ds = decoder.signature();
            featuresInput =
                    SavedModels.pick(
                            ctx,
                            ds,
                            true,
                            "image features",
                            "features-input",
                            List.of(featuresOutput, "features", "encoder_hidden_states"));
            TensorDescription fin =
                    SavedModels.check(
                            ctx,
                            ds,
                            true,
                            featuresInput,
                            "image features",
                            -1,
                            "shaped like the encoder's '"
                                    + featuresOutput
                                    + "' "
                                    + SavedModels.shape(features.shape),
                            DataType.DT_FLOAT);
            if (!fin.shape.isUnknown()
                    && !features.shape.isUnknown()
                    && fin.shape.numDimensions() != features.shape.numDimensions()) {
                throw ctx.error(
                        "decoder input '"
                                + featuresInput
                                + "' has shape "
                                + SavedModels.shape(fin.shape)
                                + " but the encoder's '"
                                + featuresOutput
                                + "' has shape "
                                + SavedModels.shape(features.shape)
                                + "; expected the same rank");
            }
            idsInput =
                    SavedModels.pick(
                            ctx,
                            ds,
                            true,
                            "token ids so far",
                            "ids-input",
                            List.of("input_ids", "ids", "tokens"));
            idType =
                    SavedModels.check(
                                    ctx,
                                    ds,
                                    true,
                                    idsInput,
                                    "token ids so far",
                                    2,
                                    "[batch, length]",
                                    DataType.DT_INT32,
                                    DataType.DT_INT64)
                            .dataType;
            SavedModels.MaskInput mask = SavedModels.optionalMask(ctx, ds, "mask-input");
            maskInput = mask.name();
            maskType = mask.dataType();
            for (String name : ds.inputNames()) {
                if (!name.equals(featuresInput)
                        && !name.equals(idsInput)
                        && !name.equals(maskInput)) {
                    throw ctx.error(
                            "signature '"
                                    + ds.key()
                                    + "' takes input '"
                                    + name
                                    + "' that vlstream does not feed; expected image features,"
                                    + " input_ids and optionally attention_mask, found inputs "
                                    + SavedModels.describe(ds.getInputs()));
                }
            }
            logitsOutput =
                    SavedModels.pick(
                            ctx,
                            ds,
                            false,
                            "next-token logits",
                            "logits-output",
                            List.of("logits", "next_token_logits"));
            TensorDescription logits =
                    SavedModels.check(
                            ctx,
                            ds,
                            false,
                            logitsOutput,
                            "next-token logits",
                            -1,
                            "[batch, vocab] (or [batch, length, vocab]: the last position is used)",
                            DataType.DT_FLOAT);
            if (!logits.shape.isUnknown() && logits.shape.numDimensions() > 3) {
                throw ctx.error(
                        "signature '"
                                + ds.key()
                                + "' output '"
                                + logitsOutput
                                + "': expected [batch, vocab] or [batch, length, vocab], found "
                                + SavedModels.shape(logits.shape));
            }

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
            usePrompt = spec.choiceParam("prompt", "request", "request", "none").equals("request");
            String bosToken = spec.params().get("bos-token");
            bos = bosToken == null ? new long[0] : new long[] {tokenId(ctx, "bos-token", bosToken)};
            String stops = spec.params().get("stop-tokens");
            if (stops == null || stops.isBlank()) {
                throw ctx.error(
                        "expected stop-tokens=TOKEN[,TOKEN...] (e.g. [SEP] for BLIP,"
                                + " <|endoftext|> for GPT-2), found none");
            }
            Set<Long> stopIds = new HashSet<>();
            for (String s : stops.split(",")) {
                stopIds.add(tokenId(ctx, "stop-tokens", s.strip()));
            }
            String decode = spec.choiceParam("decode", "greedy", "greedy", "beam");
            int beams = decode.equals("beam") ? spec.intParam("beams", 3) : 1;
            try {
                search =
                        new TokenSearch(
                                beams,
                                spec.intParam("max-new-tokens", 30),
                                stopIds,
                                spec.floatParam("length-penalty", 1f));
            } catch (IllegalArgumentException e) {
                throw ctx.error(e.getMessage(), e);
            }
            meanEvidence = spec.choiceParam("evidence", "first", "first", "mean").equals("mean");
            model = SavedModels.lineage(ctx, ROLE);
            try {
                TokenSearch probe = new TokenSearch(1, 1, stopIds, 1f);
                float[][] f =
                        encode(List.of(new BufferedImage(8, 8, BufferedImage.TYPE_3BYTE_BGR)));
                probe.generate(
                        prompt(CaptionRequest.of("a", List.of(new BufferedImage(1, 1, 1)))),
                        step(f[0], featureShape));
            } catch (RuntimeException e) {
                throw ctx.error("a test call failed: " + e.getMessage(), e);
            }
        } catch (RuntimeException e) {
            if (tok != null) {
                tok.close();
            }
            bundle.close();
            throw e;
        }
    }

    private long tokenId(Context ctx, String param, String token) {
        return tokenizer
                .idOf(token)
                .orElseThrow(
                        () ->
                                ctx.error(
                                        param
                                                + ": '"
                                                + token
                                                + "' is not a single token of "
                                                + tokenizer.file()));
    }

    /**
     * Opens the captioner a {@code savedmodel:} spec names.
     *
     * @throws ModelConfigurationException saying what was expected and found
     */
    public static SavedModelCaptioner open(ModelSpec spec) {
        return new SavedModelCaptioner(spec);
    }

    @Override
    public String caption(CaptionRequest request) {
        List<BufferedImage> images =
                meanEvidence ? request.images() : List.of(request.images().get(0));
        float[][] perImage = encode(images);
        float[] features = perImage[0];
        if (perImage.length > 1) {
            features = new float[perImage[0].length];
            for (float[] f : perImage) {
                for (int i = 0; i < f.length; i++) {
                    features[i] += f[i] / perImage.length;
                }
            }
        }
        long[] generated = search.generate(prompt(request), step(features, featureShape));
        return tokenizer.decode(generated);
    }

    private long[] prompt(CaptionRequest request) {
        long[] text = usePrompt ? tokenizer.encodePlain(request.promptText()) : new long[0];
        long[] out = Arrays.copyOf(bos, bos.length + text.length);
        System.arraycopy(text, 0, out, bos.length, text.length);
        if (out.length == 0) {
            throw new IllegalStateException(
                    "the prompt is empty: set bos-token=TOKEN or prompt=request with a non-empty"
                            + " instruction");
        }
        return out;
    }

    private float[][] encode(List<BufferedImage> images) {
        float[] pixels = preprocessing.batch(images);
        Map<String, Tensor> in =
                Map.of(imageInput, TfCalls.floats(pixels, preprocessing.shape(images.size())));
        Floats f = TfCalls.call(encoder, in, featuresOutput).get(featuresOutput);
        if (f.rows() != images.size()) {
            throw new IllegalStateException(
                    "encoder returned " + f.rows() + " rows for " + images.size() + " images");
        }
        featureShape = Arrays.copyOfRange(f.shape(), 1, f.shape().length);
        int d = f.rowSize();
        float[][] out = new float[images.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = Arrays.copyOfRange(f.values(), i * d, (i + 1) * d);
        }
        return out;
    }

    /** The decoder step over a batch of hypotheses of one image: its features tiled per row. */
    private TokenSearch.Step step(float[] features, long[] shape) {
        return sequences -> {
            int n = sequences.length;
            int length = sequences[0].length;
            float[] tiled = new float[n * features.length];
            long[] ids = new long[n * length];
            for (int r = 0; r < n; r++) {
                System.arraycopy(features, 0, tiled, r * features.length, features.length);
                System.arraycopy(sequences[r], 0, ids, r * length, length);
            }
            long[] fshape = new long[shape.length + 1];
            fshape[0] = n;
            System.arraycopy(shape, 0, fshape, 1, shape.length);
            Map<String, Tensor> in = new HashMap<>();
            in.put(featuresInput, TfCalls.floats(tiled, fshape));
            in.put(idsInput, TfCalls.ints(idType, ids, n, length));
            if (maskInput != null) {
                long[] ones = new long[n * length];
                Arrays.fill(ones, 1L);
                in.put(maskInput, TfCalls.ints(maskType, ones, n, length));
            }
            Floats logits = TfCalls.call(decoder, in, logitsOutput).get(logitsOutput);
            long[] s = logits.shape();
            int vocab = (int) s[s.length - 1];
            int perRow = logits.rowSize();
            float[][] out = new float[n][];
            for (int r = 0; r < n; r++) {
                // [batch, vocab], or [batch, length, vocab]: the last position's row.
                int from = r * perRow + perRow - vocab;
                out[r] = Arrays.copyOfRange(logits.values(), from, from + vocab);
            }
            return out;
        };
    }

    /** The image convention this model was opened with. */
    public ImagePreprocessing preprocessing() {
        return preprocessing;
    }

    /** The decoding settings this model was opened with. */
    public TokenSearch search() {
        return search;
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
