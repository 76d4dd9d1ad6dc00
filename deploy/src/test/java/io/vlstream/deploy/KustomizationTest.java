package io.vlstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every file a kustomization names exists, and every manifest is named by one. */
class KustomizationTest {

    @Test
    void kustomizationsReferenceFilesThatExist() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path kustomization : kustomizations()) {
            Path dir = kustomization.getParent();
            for (String ref : references(kustomization)) {
                Path target = dir.resolve(ref).normalize();
                boolean ok =
                        Files.isDirectory(target)
                                ? Files.isRegularFile(target.resolve("kustomization.yaml"))
                                : Files.isRegularFile(target);
                if (!ok) {
                    problems.add(Manifests.DEPLOY.relativize(kustomization) + " -> " + ref);
                }
            }
        }
        assertThat(problems).as("missing files named by kustomizations").isEmpty();
    }

    @Test
    void everyManifestIsPartOfAKustomization() throws IOException {
        Set<Path> referenced = new HashSet<>();
        for (Path kustomization : kustomizations()) {
            referenced.add(kustomization);
            for (String ref : references(kustomization)) {
                referenced.add(kustomization.getParent().resolve(ref).normalize());
            }
        }
        List<Path> orphans;
        try (Stream<Path> files = Files.walk(Manifests.KUBERNETES)) {
            orphans =
                    files.filter(Files::isRegularFile)
                            .filter(f -> !referenced.contains(f.normalize()))
                            .map(Manifests.DEPLOY::relativize)
                            .toList();
        }
        assertThat(orphans).as("files no kustomization applies").isEmpty();
    }

    @Test
    void theOverlaysAreCpuAndGpu() {
        assertThat(Manifests.overlays())
                .extracting(p -> p.getFileName().toString())
                .containsExactly("cpu", "gpu");
    }

    private static List<Path> kustomizations() throws IOException {
        try (Stream<Path> files = Files.walk(Manifests.KUBERNETES)) {
            List<Path> found =
                    files.filter(f -> f.getFileName().toString().equals("kustomization.yaml"))
                            .sorted()
                            .toList();
            assertThat(found).isNotEmpty();
            return found;
        }
    }

    /** resources, components, patch paths and configMap/secret generator files. */
    private static List<String> references(Path kustomization) {
        JsonNode k = Manifests.read(kustomization).get(0).node();
        List<String> refs = new ArrayList<>();
        k.path("resources").forEach(r -> refs.add(r.asText()));
        k.path("components").forEach(r -> refs.add(r.asText()));
        k.path("patches")
                .forEach(
                        p -> {
                            if (p.has("path")) {
                                refs.add(p.path("path").asText());
                            }
                        });
        k.path("patchesStrategicMerge").forEach(r -> refs.add(r.asText()));
        for (String generator : List.of("configMapGenerator", "secretGenerator")) {
            k.path(generator)
                    .forEach(
                            g ->
                                    g.path("files")
                                            .forEach(
                                                    f -> {
                                                        String file = f.asText();
                                                        refs.add(
                                                                file.contains("=")
                                                                        ? file.substring(
                                                                                file.indexOf('=')
                                                                                        + 1)
                                                                        : file);
                                                    }));
        }
        return refs;
    }
}
