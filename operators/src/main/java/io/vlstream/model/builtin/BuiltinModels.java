package io.vlstream.model.builtin;

import io.vlstream.fetch.CacheDirectory;
import io.vlstream.fetch.NpmPackageFiles;
import io.vlstream.model.DetectorSettings;
import io.vlstream.model.ModelDevice;
import io.vlstream.model.ObjectDetector;
import io.vlstream.model.tf.CenterNetDetector;
import io.vlstream.model.tf.TfjsGraphImporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models vlstream runs with nothing to download from a model hub: a real pretrained COCO-80
 * detector (MobileNetV3 CenterNet, MIT) taken from the npm package {@code @vladmandic/human},
 * converted once into a TensorFlow SavedModel and cached.
 */
public final class BuiltinModels {

    private static final Logger LOG = LoggerFactory.getLogger(BuiltinModels.class);

    /** The npm package, pinned, and its tarball's integrity. */
    static final String HUMAN_PACKAGE = "@vladmandic/human@3.3.6";

    static final String HUMAN_INTEGRITY =
            "sha512-Nr5mPfq1gQ+uKeXY5uM3Fj8UxvF5CEh2s6txM5wRThqaW0mF9huooOuZSrT8hhGho0hGaXLFdAwfD/2+teCv6A==";

    static final String CENTERNET_JSON = "models/centernet.json";
    static final String CENTERNET_BIN = "models/centernet.bin";

    /** Bump when the conversion changes, so caches holding the old output convert again. */
    static final String CENTERNET_VERSION = "human-3.3.6-conv1";

    private BuiltinModels() {}

    /**
     * The COCO CenterNet SavedModel directory in the cache; on first use the npm package is fetched
     * and the model converted (a few seconds), under the cache lock so concurrent processes convert
     * once.
     */
    public static Path cocoCenterNetSavedModel() throws IOException {
        Path target =
                CacheDirectory.dir("models", "coco-centernet", CENTERNET_VERSION)
                        .resolve("saved_model");
        return ensureConverted(
                target,
                () ->
                        new NpmPackageFiles(
                                        HUMAN_PACKAGE,
                                        HUMAN_INTEGRITY,
                                        List.of(CENTERNET_JSON, CENTERNET_BIN))
                                .fetch()
                                .resolve(CENTERNET_JSON));
    }

    /** Where the TF.js model comes from; only asked when a conversion is needed. */
    interface ModelSource {
        Path modelJson() throws IOException;
    }

    /** {@code target}, converted from {@code source} unless a complete SavedModel is there. */
    static Path ensureConverted(Path target, ModelSource source) throws IOException {
        if (isSavedModel(target)) {
            LOG.debug("Using cached SavedModel {}", target);
            return target;
        }
        LOG.info("Preparing the built-in COCO detector (first run only)");
        // Fetched before taking the cache lock: the fetcher takes it itself, and it is not
        // reentrant.
        Path modelJson = source.modelJson();
        return CacheDirectory.locked(
                () -> {
                    if (!isSavedModel(target)) {
                        LOG.info(
                                "Converting {} into a TensorFlow SavedModel at {}",
                                modelJson,
                                target);
                        TfjsGraphImporter.convert(
                                modelJson,
                                target,
                                Map.of("images", "tower_0/images"),
                                Map.of("detections", "tower_0/detections"));
                    }
                    return target;
                });
    }

    private static boolean isSavedModel(Path dir) {
        // The importer moves a finished SavedModel into place atomically: present means complete.
        return Files.isRegularFile(dir.resolve("saved_model.pb"));
    }

    /** The built-in COCO-80 detector, fetched and converted on first use. */
    public static ObjectDetector cocoCenterNet(DetectorSettings settings) throws IOException {
        return cocoCenterNet(settings, ModelDevice.ANY);
    }

    /** The built-in COCO-80 detector on {@code device}, fetched and converted on first use. */
    public static ObjectDetector cocoCenterNet(DetectorSettings settings, ModelDevice device)
            throws IOException {
        return new CenterNetDetector(cocoCenterNetSavedModel(), settings, device);
    }

    /** The built-in COCO-80 detector with {@link DetectorSettings#defaults()}. */
    public static ObjectDetector cocoCenterNet() throws IOException {
        return cocoCenterNet(DetectorSettings.defaults());
    }
}
