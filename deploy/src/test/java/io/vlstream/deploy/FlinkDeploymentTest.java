package io.vlstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The FlinkDeployment, as the base and as each overlay makes it, is valid against the Flink
 * Kubernetes Operator's CRD schema, and every flinkConfiguration key is one Flink or vlstream
 * defines.
 */
class FlinkDeploymentTest {

    /**
     * The operator's CRDs: shared/crds beside the repository (CI lays it there), or beside a folder
     * the repository sits in (a worktree); absent in a user's fresh clone.
     */
    static final Path CRDS = sharedCrds();

    private static Path sharedCrds() {
        Path repository = Manifests.DEPLOY.getParent();
        for (Path dir = repository.getParent(); dir != null; dir = dir.getParent()) {
            Path crds = dir.resolve("shared").resolve("crds");
            if (Files.isDirectory(crds)) {
                return crds;
            }
        }
        return repository.resolveSibling("shared").resolve("crds");
    }

    static final String API_VERSION = "flink.apache.org/v1beta1";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final com.fasterxml.jackson.databind.ObjectMapper AS_JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();
    private static FlinkConfigKeys keys;

    @BeforeAll
    static void loadKeys() {
        keys = FlinkConfigKeys.onClassPath();
    }

    static Stream<String> variants() {
        return Stream.concat(
                Stream.of("base"),
                Manifests.overlays().stream().map(p -> p.getFileName().toString()));
    }

    static JsonNode deployment(String variant) {
        return Manifests.flinkDeployment(
                variant.equals("base") ? null : Manifests.OVERLAYS.resolve(variant));
    }

    @ParameterizedTest
    @MethodSource("variants")
    void validAgainstTheOperatorsCrdSchema(String variant) throws Exception {
        Schema schema = crdSchema();
        List<Error> errors =
                schema.validate(JSON.readTree(AS_JSON.writeValueAsString(deployment(variant))));
        assertThat(errors).as("FlinkDeployment (%s) against the CRD", variant).isEmpty();
    }

    @Test
    void theSchemaCheckCatchesAMisspelledField() throws Exception {
        ObjectNode broken = (ObjectNode) deployment("base").deepCopy();
        ((ObjectNode) broken.path("spec").path("taskManager")).put("replica", 2);
        ((ObjectNode) broken.path("spec")).put("flinkVersion", "v2_9");
        List<Error> errors =
                crdSchema().validate(JSON.readTree(AS_JSON.writeValueAsString(broken)));
        assertThat(errors)
                .extracting(Error::toString)
                .anySatisfy(e -> assertThat(e).contains("replica"))
                .anySatisfy(e -> assertThat(e).contains("flinkVersion"));
    }

    @ParameterizedTest
    @MethodSource("variants")
    void everyFlinkConfigurationKeyIsAKnownOption(String variant) {
        assertThat(keys.unknown(flinkConfiguration(deployment(variant))))
                .as("flinkConfiguration keys (%s) no Flink or vlstream option defines", variant)
                .isEmpty();
    }

    @Test
    void theKeyCheckCatchesMisspelledKeys() {
        assertThat(keys.size()).as("Flink options found on the class path").isGreaterThan(500);
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("taskmanager.numberOfTaskSlots", "2");
        conf.put("taskmanager.numberOfTaskSlot", "2");
        conf.put("vlstream.kafka.bootstrap-server", "kafka:9092");
        conf.put("metrics.reporter.prom.factory.class", "x");
        conf.put("metrics.reporter.prom.prot", "9249");
        conf.put("external-resources", "gpu");
        conf.put("external-resource.gpu.amount", "1");
        conf.put("external-resource.gpu.amonut", "1");
        conf.put("external-resource.tpu.amount", "1");
        assertThat(keys.unknown(conf))
                .containsExactlyInAnyOrder(
                        "taskmanager.numberOfTaskSlot",
                        "vlstream.kafka.bootstrap-server",
                        "metrics.reporter.prom.prot",
                        "external-resource.gpu.amonut",
                        "external-resource.tpu.amount");
    }

    @Test
    void theGpuOverlayAsksForGpusWhereTheyAre() {
        JsonNode spec = deployment("gpu").path("spec");
        JsonNode tm = spec.path("taskManager").path("podTemplate").path("spec");
        assertThat(
                        tm.path("containers")
                                .get(0)
                                .path("resources")
                                .path("limits")
                                .path("nvidia.com/gpu")
                                .asInt())
                .isEqualTo(1);
        assertThat(tm.path("tolerations").toString()).contains("nvidia.com/gpu");
        assertThat(tm.path("nodeSelector").isEmpty()).isFalse();
        assertThat(flinkConfiguration(deployment("gpu")))
                .containsEntry("external-resource.gpu.kubernetes.config-key", "nvidia.com/gpu");
        assertThat(spec.path("image").asText()).endsWith("-gpu");
        assertThat(deployment("cpu").path("spec").path("image").asText()).endsWith("-cpu");
        assertThat(flinkConfiguration(deployment("cpu"))).doesNotContainKey("external-resources");
    }

    @Test
    void flinkVersionIsTwoTwo() {
        assertThat(deployment("base").path("spec").path("flinkVersion").asText()).isEqualTo("v2_2");
    }

    static Map<String, String> flinkConfiguration(JsonNode deployment) {
        Map<String, String> conf = new LinkedHashMap<>();
        deployment
                .path("spec")
                .path("flinkConfiguration")
                .fields()
                .forEachRemaining(f -> conf.put(f.getKey(), f.getValue().asText()));
        return conf;
    }

    /** The CRD's openAPIV3Schema, strict: undeclared fields fail as the API server prunes them. */
    static Schema crdSchema() throws Exception {
        Path crd = CRDS.resolve("flinkdeployments.flink.apache.org-v1.yml");
        assumeTrue(
                Files.isRegularFile(crd),
                "Skipping the CRD schema check: "
                        + crd
                        + " is absent (it lives in ../shared/crds beside the repository, as in CI;"
                        + " a fresh clone has none)");
        JsonNode crdNode = Manifests.read(crd).get(0).node();
        JsonNode schema = null;
        for (JsonNode version : crdNode.path("spec").path("versions")) {
            if (version.path("name").asText().equals("v1beta1")) {
                schema = version.path("schema").path("openAPIV3Schema").deepCopy();
            }
        }
        assertThat(schema).as("v1beta1 schema in %s", crd).isNotNull();
        strict(schema);
        // Every object's apiVersion, kind and metadata are the API server's, not in the CRD.
        ObjectNode root = (ObjectNode) schema.path("properties");
        root.putObject("apiVersion").put("type", "string").putArray("enum").add(API_VERSION);
        root.putObject("kind").put("type", "string").putArray("enum").add("FlinkDeployment");
        root.putObject("metadata").put("type", "object");
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4)
                .getSchema(JSON.readTree(AS_JSON.writeValueAsString(schema)));
    }

    /** Objects with declared properties allow no others, unless they preserve unknown fields. */
    private static void strict(JsonNode node) {
        if (node instanceof ObjectNode obj) {
            if (obj.has("properties")
                    && !obj.has("additionalProperties")
                    && !obj.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
                obj.put("additionalProperties", false);
            }
            List<JsonNode> children = new ArrayList<>();
            obj.elements().forEachRemaining(children::add);
            children.forEach(FlinkDeploymentTest::strict);
        } else if (node.isArray()) {
            node.forEach(FlinkDeploymentTest::strict);
        }
    }
}
