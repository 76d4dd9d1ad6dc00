package io.vlstream.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Reads deploy/'s Kubernetes files: multi-document YAML, overlays applied as kustomize would. */
final class Manifests {

    /** The deploy module's directory (Maven runs tests there). */
    static final Path DEPLOY = Path.of("").toAbsolutePath();

    static final Path KUBERNETES = DEPLOY.resolve("kubernetes");
    static final Path BASE = KUBERNETES.resolve("base");
    static final Path OVERLAYS = KUBERNETES.resolve("overlays");

    static final ObjectMapper YAML = new YAMLMapper();

    private Manifests() {}

    /** One document of a manifest file, with where it came from. */
    record Doc(Path file, int index, JsonNode node) {
        String kind() {
            return node.path("kind").asText();
        }

        String apiVersion() {
            return node.path("apiVersion").asText();
        }

        String name() {
            return node.path("metadata").path("name").asText();
        }

        @Override
        public String toString() {
            return DEPLOY.relativize(file) + "#" + index + " (" + kind() + " " + name() + ")";
        }
    }

    /** Every document of every YAML file under {@code dir}. */
    static List<Doc> docs(Path dir) {
        List<Doc> docs = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(Manifests::isYaml).sorted().toList()) {
                docs.addAll(read(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return docs;
    }

    static List<Doc> read(Path file) {
        List<Doc> docs = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(file.toFile())) {
            Iterator<JsonNode> it = YAML.readValues(parser, JsonNode.class);
            int i = 0;
            while (it.hasNext()) {
                JsonNode node = it.next();
                if (node != null && !node.isNull() && !node.isEmpty()) {
                    docs.add(new Doc(file, i, node));
                }
                i++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        return docs;
    }

    static boolean isYaml(Path file) {
        String name = file.getFileName().toString();
        return Files.isRegularFile(file) && (name.endsWith(".yaml") || name.endsWith(".yml"));
    }

    /** The base's documents of {@code kind}. */
    static List<Doc> base(String kind) {
        return docs(BASE).stream().filter(d -> d.kind().equals(kind)).toList();
    }

    /**
     * The base's FlinkDeployment with an overlay's patch of it merged in: kustomize applies patches
     * of custom resources as JSON merge patches (RFC 7386): objects merge, anything else replaces.
     */
    static JsonNode flinkDeployment(Path overlay) {
        JsonNode base = base("FlinkDeployment").get(0).node().deepCopy();
        if (overlay == null) {
            return base;
        }
        for (Doc patch : docs(overlay)) {
            if (patch.kind().equals("FlinkDeployment")) {
                merge((ObjectNode) base, patch.node());
            }
        }
        return base;
    }

    static void merge(ObjectNode target, JsonNode patch) {
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode existing = target.get(field.getKey());
            if (field.getValue().isNull()) {
                target.remove(field.getKey());
            } else if (existing instanceof ObjectNode obj && field.getValue().isObject()) {
                merge(obj, field.getValue());
            } else {
                target.set(field.getKey(), field.getValue().deepCopy());
            }
        }
    }

    /** The overlay directories (cpu, gpu). */
    static List<Path> overlays() {
        try (Stream<Path> dirs = Files.list(OVERLAYS)) {
            return dirs.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
