package io.vlstream.model.engines;

import io.vlstream.model.Captioner;
import io.vlstream.model.CocoLabels;
import io.vlstream.model.DetectorSettings;
import io.vlstream.model.DualEncoder;
import io.vlstream.model.ModelConfigurationException;
import io.vlstream.model.ModelDevice;
import io.vlstream.model.ModelFactory;
import io.vlstream.model.ModelSpec;
import io.vlstream.model.ObjectDetector;
import io.vlstream.model.builtin.BuiltinModels;
import io.vlstream.model.tf.SavedModelCaptioner;
import io.vlstream.model.tf.SavedModelDualEncoder;
import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * Opens the model a {@link ModelSpec} names for a role, with the adapter for its engine. Every
 * failure is one {@link ModelConfigurationException} that says what was expected and what was
 * found. The {@code *Factory} methods parse the spec at once (so a typo fails where the job is
 * built) and open the model where the task runs.
 */
public final class Models {

    /** The built-in detector's name in a {@code builtin:} spec. */
    public static final String COCO_CENTERNET = "coco-centernet";

    private static final Set<String> DETECTOR_PARAMS =
            Set.of("min-score", "nms-iou", "max-detections", "threads", "device", "gpu");

    private Models() {}

    /** The object detector a spec names; only {@code builtin:coco-centernet} today. */
    public static ObjectDetector detector(String spec, DetectorSettings defaults)
            throws IOException {
        ModelSpec s = ModelSpec.parse(spec);
        return BuiltinModels.cocoCenterNet(detectorSettings(s, defaults), ModelDevice.of(s));
    }

    /**
     * The labels the detector a spec names can produce, in class-id order, known without opening
     * it: what instructions are compiled against and captions are grounded in.
     */
    public static List<String> detectorLabels(String spec) {
        detectorSettings(ModelSpec.parse(spec), DetectorSettings.defaults());
        return CocoLabels.LABELS;
    }

    /** The settings a built-in detector spec gives, every parameter and the device checked. */
    private static DetectorSettings detectorSettings(ModelSpec s, DetectorSettings defaults) {
        String role = "detector";
        if (s.scheme() != ModelSpec.Scheme.BUILTIN || !s.location().equals(COCO_CENTERNET)) {
            throw unsupported(s, role, "builtin:" + COCO_CENTERNET);
        }
        s.requireKnownParams(role, DETECTOR_PARAMS);
        ModelDevice.of(s);
        try {
            return defaults.withMinScore(s.floatParam("min-score", defaults.minScore()))
                    .withNmsIou(s.floatParam("nms-iou", defaults.nmsIou()))
                    .withMaxDetections(s.intParam("max-detections", defaults.maxDetections()))
                    .withIntraOpThreads(s.intParam("threads", defaults.intraOpThreads()));
        } catch (IllegalArgumentException e) {
            throw new ModelConfigurationException(
                    "Model '" + s + "' (" + role + "): " + e.getMessage(), e);
        }
    }

    /** The dual encoder a spec names: {@code savedmodel:DIR?...}. */
    public static DualEncoder dualEncoder(String spec) {
        ModelSpec s = ModelSpec.parse(spec);
        if (s.scheme() == ModelSpec.Scheme.SAVEDMODEL) {
            return SavedModelDualEncoder.open(s);
        }
        throw unsupported(s, "dual encoder", "savedmodel:DIR?... (see docs/models.md)");
    }

    /**
     * The in-process captioner a spec names: {@code savedmodel:DIR?...}. An {@code openai:} spec is
     * a served model, called asynchronously by the remote captioner, not opened here.
     */
    public static Captioner captioner(String spec) {
        ModelSpec s = ModelSpec.parse(spec);
        if (s.scheme() == ModelSpec.Scheme.SAVEDMODEL) {
            return SavedModelCaptioner.open(s);
        }
        if (s.scheme() == ModelSpec.Scheme.OPENAI) {
            throw new ModelConfigurationException(
                    "Model '"
                            + s
                            + "' (captioner) is a served model: it is called asynchronously"
                            + " (model.remote), not opened in-process; expected savedmodel:DIR?...");
        }
        throw unsupported(
                s,
                "captioner",
                "savedmodel:DIR?... or openai:URL?model=NAME; leave the captioner unset for the"
                        + " built-in grounded template captions");
    }

    /**
     * A serializable factory for {@link #detector}; the spec, its parameters and its device are
     * checked now, so a wrong one fails where the job is built.
     */
    public static ModelFactory<ObjectDetector> detectorFactory(
            String spec, DetectorSettings defaults) {
        detectorSettings(ModelSpec.parse(spec), defaults);
        // DetectorSettings is not Serializable: capture its plain values.
        float minScore = defaults.minScore();
        float nmsIou = defaults.nmsIou();
        int maxDetections = defaults.maxDetections();
        int threads = defaults.intraOpThreads();
        return new ModelFactory<ObjectDetector>() {
            @Override
            public ObjectDetector create() throws IOException {
                return detector(
                        spec, new DetectorSettings(minScore, nmsIou, maxDetections, threads));
            }

            @Override
            public ObjectDetector create(String gpuIndex) throws IOException {
                return detector(
                        onGpu(spec, gpuIndex),
                        new DetectorSettings(minScore, nmsIou, maxDetections, threads));
            }
        };
    }

    /** A serializable factory for {@link #dualEncoder}; the spec is parsed now. */
    public static ModelFactory<DualEncoder> dualEncoderFactory(String spec) {
        requireScheme(spec, "dual encoder", ModelSpec.Scheme.SAVEDMODEL);
        return new ModelFactory<DualEncoder>() {
            @Override
            public DualEncoder create() {
                return dualEncoder(spec);
            }

            @Override
            public DualEncoder create(String gpuIndex) {
                return dualEncoder(onGpu(spec, gpuIndex));
            }
        };
    }

    /**
     * The spec with {@code gpu=INDEX} added, unless it already names a device ({@code gpu=} or
     * {@code device=cpu}): what the spec says wins over what the task manager offers.
     */
    public static String onGpu(String spec, String gpuIndex) {
        ModelSpec s = ModelSpec.parse(spec);
        if (s.param("gpu").isPresent() || s.param("device").filter("cpu"::equals).isPresent()) {
            return spec;
        }
        return spec + (spec.contains("?") ? "&" : "?") + "gpu=" + gpuIndex;
    }

    /** A serializable factory for {@link #captioner}; the spec is parsed now. */
    public static ModelFactory<Captioner> captionerFactory(String spec) {
        requireScheme(spec, "captioner", ModelSpec.Scheme.SAVEDMODEL);
        return new ModelFactory<Captioner>() {
            @Override
            public Captioner create() {
                return captioner(spec);
            }

            @Override
            public Captioner create(String gpuIndex) {
                return captioner(onGpu(spec, gpuIndex));
            }
        };
    }

    private static void requireScheme(String spec, String role, ModelSpec.Scheme scheme) {
        ModelSpec s = ModelSpec.parse(spec);
        if (s.scheme() != scheme) {
            throw unsupported(s, role, ModelSpec.example(scheme));
        }
    }

    private static ModelConfigurationException unsupported(
            ModelSpec s, String role, String expected) {
        return new ModelConfigurationException(
                "Model '"
                        + s
                        + "' cannot be a "
                        + role
                        + ": expected "
                        + expected
                        + ", found "
                        + (s.scheme() == ModelSpec.Scheme.BUILTIN
                                ? "the built-in name '" + s.location() + "'"
                                : "scheme " + s.scheme().prefix() + ":"));
    }
}
