package io.vlstream.model.tf;

import io.vlstream.avro.ModelRef;
import io.vlstream.model.ImagePreprocessing;
import io.vlstream.model.ModelConfigurationException;
import io.vlstream.model.ModelDevice;
import io.vlstream.model.ModelSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeSet;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.Signature.TensorDescription;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.DataType;

/**
 * Loading a user's SavedModel for a role and checking its signatures, with errors that say what was
 * expected and what was found.
 */
final class SavedModels {

    private SavedModels() {}

    /** Where a SavedModel is being opened, for error messages: spec and role. */
    record Context(ModelSpec spec, String role) {
        ModelConfigurationException error(String what) {
            return new ModelConfigurationException("Model '" + spec + "' (" + role + "): " + what);
        }

        ModelConfigurationException error(String what, Throwable cause) {
            return new ModelConfigurationException(
                    "Model '" + spec + "' (" + role + "): " + what, cause);
        }
    }

    /** Loads the SavedModel at the spec's location with the {@code serve} tag. */
    static SavedModelBundle load(Context ctx) {
        Path dir = Path.of(ctx.spec().location());
        if (!Files.isDirectory(dir)) {
            throw ctx.error(
                    "expected a SavedModel directory at "
                            + dir.toAbsolutePath()
                            + ", found "
                            + (Files.exists(dir) ? "a file" : "nothing"));
        }
        if (!Files.isRegularFile(dir.resolve("saved_model.pb"))) {
            throw ctx.error(
                    "expected saved_model.pb in " + dir.toAbsolutePath() + ", found " + list(dir));
        }
        ConfigProto.Builder config =
                sessionConfig(ctx.spec().intParam("threads", 1), ModelDevice.of(ctx.spec()));
        try {
            return SavedModelBundle.loader(dir.toString())
                    .withTags(SavedModelBundle.DEFAULT_TAG)
                    .withConfigProto(config.build())
                    .load();
        } catch (RuntimeException e) {
            throw ctx.error(
                    "TensorFlow could not load the SavedModel with tag 'serve': " + e.getMessage(),
                    e);
        }
    }

    /**
     * A session's config: {@code threads} threads within an op, one op at a time, on {@code
     * device}. GPU memory is taken as needed (several models and slots share one GPU, and
     * TensorFlow would otherwise take nearly all of it for the first session); a GPU index makes
     * only that CUDA device visible; {@code cpuOnly} hides the GPUs.
     */
    static ConfigProto.Builder sessionConfig(int threads, ModelDevice device) {
        ConfigProto.Builder config =
                ConfigProto.newBuilder()
                        .setIntraOpParallelismThreads(threads)
                        .setInterOpParallelismThreads(1);
        config.getGpuOptionsBuilder().setAllowGrowth(true);
        if (device.gpuIndex() != null) {
            config.getGpuOptionsBuilder().setVisibleDeviceList(device.gpuIndex());
        }
        if (device.cpuOnly()) {
            config.putDeviceCount("GPU", 0);
        }
        return config;
    }

    private static String list(Path dir) {
        try (var files = Files.list(dir)) {
            List<String> names = new ArrayList<>();
            files.forEach(p -> names.add(p.getFileName().toString()));
            return names.isEmpty() ? "an empty directory" : new TreeSet<>(names).toString();
        } catch (IOException e) {
            return "an unreadable directory (" + e.getMessage() + ")";
        }
    }

    /** The named signature, or an error listing the ones there are. */
    static SessionFunction function(SavedModelBundle bundle, Context ctx, String name) {
        TreeSet<String> names = new TreeSet<>();
        for (Signature s : bundle.signatures()) {
            names.add(s.key());
        }
        if (!names.contains(name)) {
            throw ctx.error("expected a signature named '" + name + "', found signatures " + names);
        }
        return bundle.function(name);
    }

    /** An optional attention-mask input: its name and integer type, or both null. */
    record MaskInput(String name, DataType dataType) {}

    /**
     * The attention-mask input of a token-id signature: the one named by the spec parameter {@code
     * param}, else {@code attention_mask} when the signature has it, else none.
     */
    static MaskInput optionalMask(Context ctx, Signature signature, String param) {
        String mask = ctx.spec().params().get(param);
        if (mask == null && signature.getInputs().containsKey("attention_mask")) {
            mask = "attention_mask";
        }
        if (mask == null) {
            return new MaskInput(null, null);
        }
        mask = pick(ctx, signature, true, "attention mask", param, List.of(mask));
        DataType type =
                check(
                                ctx,
                                signature,
                                true,
                                mask,
                                "attention mask",
                                2,
                                "[batch, length]",
                                DataType.DT_INT32,
                                DataType.DT_INT64)
                        .dataType;
        return new MaskInput(mask, type);
    }

    /**
     * The name of the signature's input (or output) for {@code what}: the one configured by {@code
     * param}, else the first of {@code conventional} present, else the only one.
     */
    static String pick(
            Context ctx,
            Signature sig,
            boolean input,
            String what,
            String param,
            List<String> conventional) {
        Map<String, TensorDescription> all = input ? sig.getInputs() : sig.getOutputs();
        String kind = input ? "input" : "output";
        String configured = ctx.spec().params().get(param);
        if (configured != null) {
            if (!all.containsKey(configured)) {
                throw ctx.error(
                        "signature '"
                                + sig.key()
                                + "' has no "
                                + kind
                                + " '"
                                + configured
                                + "' ("
                                + param
                                + "); found "
                                + kind
                                + "s "
                                + describe(all));
            }
            return configured;
        }
        for (String name : conventional) {
            if (all.containsKey(name)) {
                return name;
            }
        }
        if (all.size() == 1) {
            return all.keySet().iterator().next();
        }
        throw ctx.error(
                "signature '"
                        + sig.key()
                        + "' needs an "
                        + kind
                        + " for "
                        + what
                        + " named one of "
                        + conventional
                        + " (or set "
                        + param
                        + "=NAME); found "
                        + kind
                        + "s "
                        + describe(all));
    }

    /** Checks a tensor's dtype (one of {@code types}) and rank (-1: any of rank ≥ 2). */
    static TensorDescription check(
            Context ctx,
            Signature sig,
            boolean input,
            String name,
            String what,
            int rank,
            String expectedShape,
            DataType... types) {
        Map<String, TensorDescription> all = input ? sig.getInputs() : sig.getOutputs();
        TensorDescription d = all.get(name);
        boolean typeOk = false;
        for (DataType t : types) {
            typeOk |= d.dataType == t;
        }
        int actualRank = d.shape.isUnknown() ? -2 : d.shape.numDimensions();
        boolean rankOk = actualRank == -2 || (rank < 0 ? actualRank >= 2 : actualRank == rank);
        if (!typeOk || !rankOk) {
            StringJoiner expectedTypes = new StringJoiner(" or ");
            for (DataType t : types) {
                expectedTypes.add(typeName(t));
            }
            throw ctx.error(
                    "signature '"
                            + sig.key()
                            + "' "
                            + (input ? "input" : "output")
                            + " '"
                            + name
                            + "' ("
                            + what
                            + "): expected "
                            + expectedTypes
                            + " "
                            + expectedShape
                            + ", found "
                            + typeName(d.dataType)
                            + " "
                            + shape(d.shape)
                            + "; the signature is "
                            + describe(sig));
        }
        return d;
    }

    static String describe(Signature sig) {
        return "inputs " + describe(sig.getInputs()) + " → outputs " + describe(sig.getOutputs());
    }

    static String describe(Map<String, TensorDescription> tensors) {
        StringJoiner out = new StringJoiner(", ", "{", "}");
        for (String name : new TreeSet<>(tensors.keySet())) {
            TensorDescription d = tensors.get(name);
            out.add(name + ": " + typeName(d.dataType) + " " + shape(d.shape));
        }
        return out.toString();
    }

    static String typeName(DataType t) {
        return t.name().replaceFirst("^DT_", "").toLowerCase(Locale.ROOT);
    }

    static String shape(Shape s) {
        if (s.isUnknown()) {
            return "[unknown rank]";
        }
        StringJoiner out = new StringJoiner(", ", "[", "]");
        for (int i = 0; i < s.numDimensions(); i++) {
            out.add(s.size(i) < 0 ? "?" : Long.toString(s.size(i)));
        }
        return out.toString();
    }

    /**
     * The image convention for an image input: size from the spec's {@code image-size} (N or WxH)
     * or the signature's static shape; layout from {@code layout} or the shape (a 3 in dimension 1
     * and not in 3 means NCHW); pixels, mean and std and resize from the spec.
     */
    static ImagePreprocessing imageInput(Context ctx, Signature sig, String name) {
        TensorDescription d = sig.getInputs().get(name);
        ModelSpec spec = ctx.spec();
        Shape s = d.shape;
        boolean known = !s.isUnknown() && s.numDimensions() == 4;
        String layoutParam = spec.choiceParam("layout", "auto", "auto", "nhwc", "nchw");
        ImagePreprocessing.Layout layout;
        if (layoutParam.equals("auto")) {
            layout =
                    known && s.size(1) == 3 && s.size(3) != 3
                            ? ImagePreprocessing.Layout.NCHW
                            : ImagePreprocessing.Layout.NHWC;
        } else {
            layout = ImagePreprocessing.Layout.valueOf(layoutParam.toUpperCase(Locale.ROOT));
        }
        int channelDim = layout == ImagePreprocessing.Layout.NHWC ? 3 : 1;
        int heightDim = layout == ImagePreprocessing.Layout.NHWC ? 1 : 2;
        if (known && s.size(channelDim) >= 0 && s.size(channelDim) != 3) {
            throw ctx.error(
                    "signature '"
                            + sig.key()
                            + "' input '"
                            + name
                            + "': expected 3 (RGB) channels in "
                            + layout
                            + " layout, found shape "
                            + shape(s)
                            + " (set layout=nhwc or layout=nchw if the guess is wrong)");
        }
        long staticH = known ? s.size(heightDim) : -1;
        long staticW = known ? s.size(heightDim + 1) : -1;
        int width;
        int height;
        String size = spec.params().get("image-size");
        if (size != null) {
            String[] wh = size.toLowerCase(Locale.ROOT).split("x");
            try {
                width = Integer.parseInt(wh[0].strip());
                height = wh.length > 1 ? Integer.parseInt(wh[1].strip()) : width;
            } catch (NumberFormatException e) {
                throw ctx.error("image-size is '" + size + "', expected N or WxH");
            }
            if ((staticW >= 0 && staticW != width) || (staticH >= 0 && staticH != height)) {
                throw ctx.error(
                        "image-size="
                                + size
                                + " but signature '"
                                + sig.key()
                                + "' input '"
                                + name
                                + "' has shape "
                                + shape(s));
            }
        } else if (staticW > 0 && staticH > 0) {
            width = (int) staticW;
            height = (int) staticH;
        } else {
            throw ctx.error(
                    "signature '"
                            + sig.key()
                            + "' input '"
                            + name
                            + "' has no static image size ("
                            + shape(s)
                            + "); set image-size=N or image-size=WxH");
        }
        ImagePreprocessing p;
        try {
            p =
                    ImagePreprocessing.of(
                            width,
                            height,
                            spec.choiceParam(
                                    "pixels", "0-1", ImagePreprocessing.PIXEL_CONVENTIONS));
        } catch (IllegalArgumentException e) {
            throw ctx.error(e.getMessage(), e);
        }
        var mean = spec.floatsParam("mean", 3);
        var std = spec.floatsParam("std", 3);
        if (mean.isPresent() || std.isPresent()) {
            p = p.withMeanStd(mean.orElse(p.mean()), std.orElse(p.std()));
        }
        String resize = spec.choiceParam("resize", "stretch", "stretch", "center-crop");
        return p.withLayout(layout)
                .withResize(
                        resize.equals("stretch")
                                ? ImagePreprocessing.Resize.STRETCH
                                : ImagePreprocessing.Resize.CENTER_CROP);
    }

    /** The static batch size of a tensor's first dimension, or -1 when dynamic. */
    static long staticBatch(TensorDescription d) {
        return d.shape.isUnknown() || d.shape.numDimensions() == 0 ? -1 : d.shape.size(0);
    }

    /**
     * Lineage for a user model: id from the spec's {@code id} (default: the directory's name),
     * version from {@code version} (default: {@code sha256:} of saved_model.pb and the variables
     * index, 12 hex digits, so a re-export shows up on the records).
     */
    static ModelRef lineage(Context ctx, String role) {
        Path dir = Path.of(ctx.spec().location()).toAbsolutePath().normalize();
        String id =
                ctx.spec()
                        .param("id")
                        .orElse(
                                dir.getFileName() == null
                                        ? dir.toString()
                                        : dir.getFileName().toString());
        String version = ctx.spec().param("version").orElseGet(() -> digest(dir));
        return new ModelRef(role, id, version);
    }

    private static String digest(Path dir) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Path p :
                    List.of(
                            dir.resolve("saved_model.pb"),
                            dir.resolve("variables").resolve("variables.index"))) {
                if (Files.isRegularFile(p)) {
                    try (InputStream in = new DigestInputStream(Files.newInputStream(p), sha)) {
                        in.transferTo(java.io.OutputStream.nullOutputStream());
                    }
                }
            }
            return "sha256:" + HexFormat.of().formatHex(sha.digest()).substring(0, 12);
        } catch (IOException | NoSuchAlgorithmException e) {
            return "unknown";
        }
    }
}
