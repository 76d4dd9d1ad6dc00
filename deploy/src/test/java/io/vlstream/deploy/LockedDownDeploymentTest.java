package io.vlstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vlstream.jobs.KafkaOptions;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The deployment is locked down: Kafka only over SCRAM-SHA-512 and TLS, one KafkaUser per role
 * granted exactly what the role needs (the job's grants match its own settings), the job's
 * credentials from secrets and never in its configuration, a NetworkPolicy that denies by default,
 * and pods that run as non-root on a read-only root filesystem with every capability dropped and
 * bounded resources.
 */
class LockedDownDeploymentTest {

    private static final String FRAMES = KafkaOptions.TOPIC_FRAMES.defaultValue();
    private static final String INSTRUCTIONS = KafkaOptions.TOPIC_INSTRUCTIONS.defaultValue();
    private static final String TEXTS = KafkaOptions.TOPIC_TEXTS.defaultValue();
    private static final String CAPTIONS = KafkaOptions.TOPIC_CAPTIONS.defaultValue();
    private static final String SCORES = KafkaOptions.TOPIC_SCORES.defaultValue();
    private static final String DLQ = KafkaOptions.TOPIC_DLQ.defaultValue();

    @Test
    void kafkaListensOnlyWithScramOverTlsAndAuthorizesEveryPrincipal() {
        JsonNode kafka = Manifests.base("Kafka").get(0).node().path("spec").path("kafka");
        assertThat(kafka.path("listeners")).isNotEmpty();
        for (JsonNode listener : kafka.path("listeners")) {
            assertThat(listener.path("tls").asBoolean()).as("tls of %s", listener).isTrue();
            assertThat(listener.path("authentication").path("type").asText())
                    .as("authentication of %s", listener)
                    .isEqualTo("scram-sha-512");
            assertThat(listener.path("networkPolicyPeers"))
                    .as("peers of %s", listener)
                    .isNotEmpty();
        }
        assertThat(kafka.path("authorization").path("type").asText()).isEqualTo("simple");
        assertThat(kafka.path("authorization").path("superUsers")).isEmpty();
    }

    @Test
    void eachRoleIsGrantedExactlyWhatItNeeds() {
        Map<String, Set<String>> users = new HashMap<>();
        for (Manifests.Doc user : Manifests.base("KafkaUser")) {
            JsonNode spec = user.node().path("spec");
            assertThat(spec.path("authentication").path("type").asText())
                    .as("authentication of %s", user)
                    .isEqualTo("scram-sha-512");
            assertThat(spec.path("authorization").path("type").asText()).isEqualTo("simple");
            users.put(user.name(), grants(spec.path("authorization").path("acls")));
        }
        JsonNode conf = Manifests.flinkDeployment(null).path("spec").path("flinkConfiguration");
        String group = conf.path(KafkaOptions.GROUP_ID.key()).asText();
        String transactions = conf.path(KafkaOptions.TRANSACTIONAL_ID_PREFIX.key()).asText();

        assertThat(users.get("vlstream-job"))
                .containsExactlyInAnyOrder(
                        "topic:" + FRAMES + ":Read",
                        "topic:" + FRAMES + ":Describe",
                        "topic:" + INSTRUCTIONS + ":Read",
                        "topic:" + INSTRUCTIONS + ":Describe",
                        "topic:" + TEXTS + ":Read",
                        "topic:" + TEXTS + ":Describe",
                        "topic:" + CAPTIONS + ":Write",
                        "topic:" + CAPTIONS + ":Describe",
                        "topic:" + SCORES + ":Write",
                        "topic:" + SCORES + ":Describe",
                        "topic:" + DLQ + ":Write",
                        "topic:" + DLQ + ":Describe",
                        "group:" + group + "-frames:Read",
                        "group:" + group + "-frames:Describe",
                        "group:" + group + "-instructions:Read",
                        "group:" + group + "-instructions:Describe",
                        "group:" + group + "-texts:Read",
                        "group:" + group + "-texts:Describe",
                        "transactionalId:" + transactions + "*:Write",
                        "transactionalId:" + transactions + "*:Describe");
        assertThat(users.get("vlstream-producer"))
                .containsExactlyInAnyOrder(
                        "topic:" + FRAMES + ":Write", "topic:" + FRAMES + ":Describe");
        assertThat(users.get("vlstream-operator"))
                .containsExactlyInAnyOrder(
                        "topic:" + INSTRUCTIONS + ":Write", "topic:" + INSTRUCTIONS + ":Describe");
        assertThat(users.get("vlstream-labeler"))
                .containsExactlyInAnyOrder(
                        "topic:" + TEXTS + ":Write", "topic:" + TEXTS + ":Describe");
        assertThat(users.get("vlstream-reader"))
                .containsExactlyInAnyOrder(
                        "topic:" + CAPTIONS + ":Read",
                        "topic:" + CAPTIONS + ":Describe",
                        "topic:" + SCORES + ":Read",
                        "topic:" + SCORES + ":Describe",
                        "topic:" + DLQ + ":Read",
                        "topic:" + DLQ + ":Describe",
                        "group:vlstream-reader*:Read",
                        "group:vlstream-reader*:Describe");
    }

    @Test
    void theJobAuthenticatesWithSecretsItNeverHolds() throws IOException {
        JsonNode spec = Manifests.flinkDeployment(null).path("spec");
        JsonNode conf = spec.path("flinkConfiguration");
        assertThat(conf.path(KafkaOptions.BOOTSTRAP_SERVERS.key()).asText()).endsWith(":9093");
        String propertiesFile = conf.path(KafkaOptions.KAFKA_PROPERTIES_FILE.key()).asText();

        Properties client = new Properties();
        try (Reader in =
                Files.newBufferedReader(Manifests.BASE.resolve("kafka/client.properties"))) {
            client.load(in);
        }
        assertThat(client.getProperty("security.protocol")).isEqualTo("SASL_SSL");
        assertThat(client.getProperty("sasl.mechanism")).isEqualTo("SCRAM-SHA-512");
        // A reference resolved by Kafka's DirectoryConfigProvider in each client, not a password.
        assertThat(client.getProperty("sasl.jaas.config"))
                .isEqualTo("${dir:/etc/vlstream/kafka-user:sasl.jaas.config}");
        assertThat(
                        String.join(
                                "\n",
                                Files.readAllLines(
                                        Manifests.BASE.resolve("kafka/client.properties"))))
                .doesNotContainIgnoringCase("password=");

        JsonNode pod = spec.path("podTemplate").path("spec");
        Map<String, String> mounts = new HashMap<>();
        for (JsonNode mount : pod.path("containers").path(0).path("volumeMounts")) {
            mounts.put(mount.path("mountPath").asText(), mount.path("name").asText());
        }
        Map<String, JsonNode> volumes = new HashMap<>();
        for (JsonNode volume : pod.path("volumes")) {
            volumes.put(volume.path("name").asText(), volume);
        }
        String propertiesDir = Path.of(propertiesFile).getParent().toString();
        assertThat(volumes.get(mounts.get(propertiesDir)).path("configMap").path("name").asText())
                .isEqualTo("vlstream-kafka-client");
        assertThat(
                        volumes.get(mounts.get("/etc/vlstream/kafka-user"))
                                .path("secret")
                                .path("secretName")
                                .asText())
                .isEqualTo("vlstream-job");
        assertThat(
                        volumes.get(mounts.get("/etc/vlstream/kafka-ca"))
                                .path("secret")
                                .path("secretName")
                                .asText())
                .isEqualTo("vlstream-cluster-ca-cert");
        assertThat(client.getProperty("ssl.truststore.location"))
                .startsWith("/etc/vlstream/kafka-ca/");
        // Kafka's listener policy admits the Flink pods by this label.
        assertThat(
                        spec.path("podTemplate")
                                .path("metadata")
                                .path("labels")
                                .path("vlstream.io/kafka-client")
                                .asText())
                .isEqualTo("true");
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "cpu", "gpu"})
    void flinkPodsRunAsNonRootOnAReadOnlyRootWithNoCapabilities(String variant) {
        JsonNode spec =
                Manifests.flinkDeployment(
                                variant.equals("base") ? null : Manifests.OVERLAYS.resolve(variant))
                        .path("spec");
        JsonNode pod = spec.path("podTemplate").path("spec");
        assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.path("securityContext").path("runAsUser").asInt()).isPositive();
        JsonNode container = pod.path("containers").path(0);
        assertThat(container.path("name").asText()).isEqualTo("flink-main-container");
        assertLockedDown(container.path("securityContext"), variant);
        Set<String> writable = new HashSet<>();
        container
                .path("volumeMounts")
                .forEach(
                        m -> {
                            if (!m.path("readOnly").asBoolean()) {
                                writable.add(m.path("mountPath").asText());
                            }
                        });
        assertThat(writable).containsExactlyInAnyOrder("/tmp", "/opt/flink/log");
        for (String role : List.of("jobManager", "taskManager")) {
            JsonNode resource = spec.path(role).path("resource");
            assertThat(resource.path("cpu").asDouble()).as("%s cpu", role).isPositive();
            assertThat(resource.path("memory").asText()).as("%s memory", role).isNotEmpty();
        }
        assertThat(
                        StreamSupport.stream(
                                        pod.path("containers").path(0).path("env").spliterator(),
                                        false)
                                .map(e -> e.path("name").asText()))
                .as("plugins are copied at start only onto a writable root")
                .doesNotContain("ENABLE_BUILT_IN_PLUGINS");
    }

    @Test
    void kafkaPodsAreLockedDownAndBounded() {
        for (Manifests.Doc pool : Manifests.base("KafkaNodePool")) {
            JsonNode spec = pool.node().path("spec");
            assertBounded(spec.path("resources"), pool.name());
            assertThat(
                            spec.path("template")
                                    .path("pod")
                                    .path("securityContext")
                                    .path("runAsNonRoot")
                                    .asBoolean())
                    .isTrue();
            assertLockedDown(
                    spec.path("template").path("kafkaContainer").path("securityContext"),
                    pool.name());
        }
        JsonNode entity = Manifests.base("Kafka").get(0).node().path("spec").path("entityOperator");
        for (String operator : List.of("topicOperator", "userOperator")) {
            assertBounded(entity.path(operator).path("resources"), operator);
            assertLockedDown(
                    entity.path("template").path(operator + "Container").path("securityContext"),
                    operator);
        }
    }

    @Test
    void theNetworkDeniesByDefaultAndOpensOnlyNamedPorts() {
        List<Manifests.Doc> policies = Manifests.base("NetworkPolicy");
        Manifests.Doc deny =
                policies.stream()
                        .filter(p -> p.name().equals("default-deny"))
                        .findFirst()
                        .orElseThrow();
        assertThat(deny.node().path("spec").path("podSelector").isEmpty()).isTrue();
        assertThat(deny.node().path("spec").path("policyTypes"))
                .extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("Ingress", "Egress");
        assertThat(deny.node().path("spec").has("ingress")).isFalse();
        assertThat(deny.node().path("spec").has("egress")).isFalse();
        List<String> openRules = new ArrayList<>();
        for (Manifests.Doc policy : policies) {
            for (String direction : List.of("ingress", "egress")) {
                for (JsonNode rule : policy.node().path("spec").path(direction)) {
                    if (rule.path("ports").isEmpty()) {
                        openRules.add(policy.name() + " " + direction);
                    }
                }
            }
        }
        assertThat(openRules).as("rules that allow every port").isEmpty();
        assertThat(policies)
                .extracting(Manifests.Doc::name)
                .contains("flink-jobmanager", "flink-taskmanager", "flink-egress");
    }

    @Test
    void thePoliciesOpenThePortsFlinkIsConfiguredToUse() {
        JsonNode conf = Manifests.flinkDeployment(null).path("spec").path("flinkConfiguration");
        Map<String, Set<Integer>> ingress = new HashMap<>();
        Map<String, Set<Integer>> egress = new HashMap<>();
        for (Manifests.Doc policy : Manifests.base("NetworkPolicy")) {
            ingress.put(policy.name(), ports(policy.node().path("spec").path("ingress")));
            egress.put(policy.name(), ports(policy.node().path("spec").path("egress")));
        }
        int jobManagerRpc = conf.path("jobmanager.rpc.port").asInt();
        int blob = conf.path("blob.server.port").asInt();
        int rest = conf.path("rest.port").asInt();
        int taskManagerRpc = conf.path("taskmanager.rpc.port").asInt();
        int data = conf.path("taskmanager.data.port").asInt();
        assertThat(List.of(jobManagerRpc, blob, rest, taskManagerRpc, data))
                .as("every port fixed, none random")
                .allSatisfy(port -> assertThat(port).isPositive());
        assertThat(ingress.get("flink-jobmanager")).contains(jobManagerRpc, blob, rest);
        assertThat(ingress.get("flink-taskmanager")).contains(taskManagerRpc, data);
        assertThat(egress.get("flink-egress"))
                .contains(jobManagerRpc, blob, taskManagerRpc, data, 9093);
        // Default-deny covers egress too: Kafka's nodes need their quorum and replication ports.
        assertThat(egress.get("kafka-egress")).contains(9090, 9091, 9093);
    }

    private static Set<Integer> ports(JsonNode rules) {
        Set<Integer> ports = new HashSet<>();
        for (JsonNode rule : rules) {
            rule.path("ports").forEach(p -> ports.add(p.path("port").asInt()));
        }
        return ports;
    }

    private static void assertLockedDown(JsonNode securityContext, String what) {
        assertThat(securityContext.path("allowPrivilegeEscalation").asBoolean(true))
                .as("privilege escalation of %s", what)
                .isFalse();
        assertThat(securityContext.path("readOnlyRootFilesystem").asBoolean())
                .as("read-only root of %s", what)
                .isTrue();
        assertThat(securityContext.path("capabilities").path("drop"))
                .extracting(JsonNode::asText)
                .as("capabilities of %s", what)
                .containsExactly("ALL");
    }

    private static void assertBounded(JsonNode resources, String what) {
        for (String kind : List.of("requests", "limits")) {
            assertThat(resources.path(kind).path("cpu").asText())
                    .as("%s %s cpu", what, kind)
                    .isNotEmpty();
            assertThat(resources.path(kind).path("memory").asText())
                    .as("%s %s memory", what, kind)
                    .isNotEmpty();
        }
    }

    /** Each ACL as type:name[*]:operation (a * for a prefix pattern). */
    private static Set<String> grants(JsonNode acls) {
        Set<String> grants = new HashSet<>();
        for (JsonNode acl : acls) {
            JsonNode resource = acl.path("resource");
            String name =
                    resource.path("name").asText()
                            + (resource.path("patternType").asText().equals("prefix") ? "*" : "");
            for (JsonNode operation : acl.path("operations")) {
                grants.add(resource.path("type").asText() + ":" + name + ":" + operation.asText());
            }
        }
        return grants;
    }
}
