package io.vlstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.strimzi.api.kafka.model.common.UnknownPropertyPreserving;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.vlstream.jobs.FrameOptions;
import io.vlstream.jobs.KafkaOptions;
import io.vlstream.jobs.VlstreamOptions;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/**
 * Strimzi manifests deserialize into Strimzi's own model classes with no unknown property anywhere,
 * and give the job the topics, compaction and transaction limits it needs.
 */
class StrimziManifestsTest {

    private static final ObjectMapper STRICT =
            YAMLMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private static final Map<String, Class<?>> MODELS =
            Map.of(
                    "Kafka",
                    Kafka.class,
                    "KafkaNodePool",
                    KafkaNodePool.class,
                    "KafkaTopic",
                    KafkaTopic.class,
                    "KafkaUser",
                    KafkaUser.class);

    @Test
    void everyStrimziManifestIsAValidModelObject() throws Exception {
        List<Manifests.Doc> docs =
                Manifests.docs(Manifests.KUBERNETES).stream()
                        .filter(d -> d.apiVersion().startsWith("kafka.strimzi.io/"))
                        .toList();
        assertThat(docs).extracting(Manifests.Doc::kind).contains("Kafka", "KafkaNodePool");
        for (Manifests.Doc doc : docs) {
            assertThat(MODELS).as("Strimzi kind of %s", doc).containsKey(doc.kind());
            Object model = STRICT.treeToValue(doc.node(), MODELS.get(doc.kind()));
            assertThat(unknownProperties(model, doc.kind())).as("unknown in %s", doc).isEmpty();
        }
    }

    @Test
    void aMisspelledFieldIsCaught() throws Exception {
        JsonNode topic = topics().get(0).node().deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) topic.path("spec")).put("partition", 3);
        Object model = STRICT.treeToValue(topic, KafkaTopic.class);
        assertThat(unknownProperties(model, "KafkaTopic"))
                .containsExactly("KafkaTopic.spec.partition");
        Object top =
                STRICT.treeToValue(
                        STRICT.readTree(
                                "apiVersion: kafka.strimzi.io/v1beta2\nkind: KafkaTopic\n"
                                        + "metadat: {name: x}\n"),
                        KafkaTopic.class);
        assertThat(unknownProperties(top, "KafkaTopic")).containsExactly("KafkaTopic.metadat");
    }

    @Test
    void everyTopicTheJobUsesExistsWithTheRightCluster() throws Exception {
        Set<String> topics =
                topics().stream()
                        .map(d -> d.node().path("spec").path("topicName").asText(d.name()))
                        .collect(Collectors.toSet());
        String cluster = kafka().path("metadata").path("name").asText();
        for (ConfigOption<?> option : VlstreamOptions.all()) {
            if (option.key().startsWith("vlstream.topic.")) {
                assertThat(topics).as(option.key()).contains((String) option.defaultValue());
            }
        }
        for (Manifests.Doc doc : topics()) {
            assertThat(
                            doc.node()
                                    .path("metadata")
                                    .path("labels")
                                    .path("strimzi.io/cluster")
                                    .asText())
                    .as("cluster of %s", doc)
                    .isEqualTo(cluster);
        }
        for (Manifests.Doc pool : Manifests.base("KafkaNodePool")) {
            assertThat(
                            pool.node()
                                    .path("metadata")
                                    .path("labels")
                                    .path("strimzi.io/cluster")
                                    .asText())
                    .isEqualTo(cluster);
        }
    }

    @Test
    void instructionsAreCompactedAndFramesFit() {
        JsonNode instructions = topic((String) KafkaOptions.TOPIC_INSTRUCTIONS.defaultValue());
        assertThat(instructions.path("spec").path("config").path("cleanup.policy").asText())
                .isEqualTo("compact");
        JsonNode frames = topic(KafkaOptions.TOPIC_FRAMES.defaultValue());
        assertThat(frames.path("spec").path("config").path("max.message.bytes").asLong())
                .isGreaterThan(FrameOptions.MAX_RECORD_BYTES.defaultValue());
        assertThat(
                        kafka().path("spec")
                                .path("kafka")
                                .path("config")
                                .path("message.max.bytes")
                                .asLong())
                .isGreaterThan(FrameOptions.MAX_RECORD_BYTES.defaultValue());
    }

    @Test
    void brokersAllowTheSinksTransactionTimeout() {
        long brokerMax =
                kafka().path("spec")
                        .path("kafka")
                        .path("config")
                        .path("transaction.max.timeout.ms")
                        .asLong(Duration.ofMinutes(15).toMillis());
        for (JsonNode deployment : flinkDeployments()) {
            Configuration conf = new Configuration();
            deployment
                    .path("spec")
                    .path("flinkConfiguration")
                    .fields()
                    .forEachRemaining(f -> conf.setString(f.getKey(), f.getValue().asText()));
            Duration sink = conf.get(KafkaOptions.TRANSACTION_TIMEOUT);
            assertThat(sink.toMillis())
                    .as("sink transaction timeout")
                    .isLessThanOrEqualTo(brokerMax);
        }
    }

    private static List<JsonNode> flinkDeployments() {
        List<JsonNode> all = new ArrayList<>();
        all.add(Manifests.flinkDeployment(null));
        Manifests.overlays().forEach(o -> all.add(Manifests.flinkDeployment(o)));
        return all;
    }

    private static List<Manifests.Doc> topics() {
        return Manifests.base("KafkaTopic");
    }

    private static JsonNode topic(String name) {
        return topics().stream()
                .filter(d -> d.node().path("spec").path("topicName").asText(d.name()).equals(name))
                .findFirst()
                .orElseThrow()
                .node();
    }

    private static JsonNode kafka() {
        List<Manifests.Doc> kafkas = Manifests.base("Kafka");
        assertThat(kafkas).hasSize(1);
        return kafkas.get(0).node();
    }

    /**
     * Paths of properties the model kept aside: Strimzi's and fabric8's classes preserve unknown
     * fields (a typo) in getAdditionalProperties() instead of failing on them.
     */
    static List<String> unknownProperties(Object model, String path) {
        List<String> found = new ArrayList<>();
        walk(model, path, found, new IdentityHashMap<>());
        return found;
    }

    private static void walk(
            Object value, String path, List<String> found, IdentityHashMap<Object, Boolean> seen) {
        if (value == null || seen.put(value, true) != null) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                walk(item, path + "[" + i++ + "]", found, seen);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            // Free-form maps (config, labels) hold plain values; model objects inside are walked.
            map.forEach((k, v) -> walk(v, path + "." + k, found, seen));
            return;
        }
        String pkg = value.getClass().getPackageName();
        if (!pkg.startsWith("io.strimzi.") && !pkg.startsWith("io.fabric8.")) {
            return;
        }
        if (value instanceof UnknownPropertyPreserving preserving
                && preserving.getAdditionalProperties() != null) {
            preserving.getAdditionalProperties().keySet().forEach(k -> found.add(path + "." + k));
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0
                    || Modifier.isStatic(getter.getModifiers())
                    || getter.getDeclaringClass() == Object.class
                    || !(getter.getName().startsWith("get") || getter.getName().startsWith("is"))) {
                continue;
            }
            try {
                Object child = getter.invoke(value);
                if (getter.getName().equals("getAdditionalProperties")) {
                    if (child instanceof Map<?, ?> extra
                            && !(value instanceof UnknownPropertyPreserving)) {
                        extra.keySet().forEach(k -> found.add(path + "." + k));
                    }
                    continue;
                }
                walk(child, path + "." + property(getter.getName()), found, seen);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // A computed getter that cannot answer on a partial object: nothing to walk.
            }
        }
    }

    private static String property(String getter) {
        String name = getter.startsWith("is") ? getter.substring(2) : getter.substring(3);
        return name.isEmpty() ? name : Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }
}
