package io.vlstream.model.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.fetch.NpmPackageFiles;
import io.vlstream.model.DetectorSettings;
import io.vlstream.model.ObjectDetector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuiltinModelsTest {

    @TempDir Path dir;

    private static Path humanCenterNetJson() throws IOException {
        return new NpmPackageFiles(
                        BuiltinModels.HUMAN_PACKAGE,
                        BuiltinModels.HUMAN_INTEGRITY,
                        List.of(BuiltinModels.CENTERNET_JSON, BuiltinModels.CENTERNET_BIN))
                .fetch()
                .resolve(BuiltinModels.CENTERNET_JSON);
    }

    private static BasicFileAttributes attributes(Path savedModel) throws IOException {
        return Files.readAttributes(
                savedModel.resolve("saved_model.pb"), BasicFileAttributes.class);
    }

    @Test
    void convertsOnceThenServesTheCachedSavedModel() throws IOException {
        Path target = dir.resolve("coco-centernet/saved_model");
        AtomicInteger asked = new AtomicInteger();
        BuiltinModels.ModelSource source =
                () -> {
                    asked.incrementAndGet();
                    return humanCenterNetJson();
                };

        Path first = BuiltinModels.ensureConverted(target, source);
        BasicFileAttributes converted = attributes(first);
        Path second = BuiltinModels.ensureConverted(target, source);

        assertThat(second).isEqualTo(first).isEqualTo(target);
        assertThat(asked).as("fetches and conversions").hasValue(1);
        BasicFileAttributes cached = attributes(second);
        assertThat(cached.fileKey()).isEqualTo(converted.fileKey());
        assertThat(cached.lastModifiedTime()).isEqualTo(converted.lastModifiedTime());
        assertThat(target.getParent()).isDirectoryNotContaining("glob:**.tmp-*");
    }

    @Test
    void theSharedCacheIsConvertedOnceAcrossCalls() throws IOException {
        Path first = BuiltinModels.cocoCenterNetSavedModel();
        BasicFileAttributes before = attributes(first);
        Path second = BuiltinModels.cocoCenterNetSavedModel();
        assertThat(second).isEqualTo(first);
        assertThat(attributes(second).fileKey()).isEqualTo(before.fileKey());
        assertThat(attributes(second).lastModifiedTime()).isEqualTo(before.lastModifiedTime());
    }

    @Test
    void factoryGivesAWorkingDetector() throws IOException {
        try (ObjectDetector detector =
                BuiltinModels.cocoCenterNet(DetectorSettings.defaults().withMaxDetections(3))) {
            assertThat(detector.model().getId().toString()).isEqualTo("coco-centernet-mobilenetv3");
            var image =
                    new java.awt.image.BufferedImage(
                            64, 48, java.awt.image.BufferedImage.TYPE_INT_RGB);
            assertThat(detector.detect(image)).hasSizeLessThanOrEqualTo(3);
        }
    }
}
