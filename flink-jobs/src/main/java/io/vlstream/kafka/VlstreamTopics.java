package io.vlstream.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The names of vlstream's six topics, and their creation with the settings vlstream relies on.
 *
 * @param frames encoded video frames ({@code VideoFrame}, key = stream id)
 * @param instructions the log-compacted instruction control topic ({@code Instruction})
 * @param texts timed texts to align with frames ({@code TimedText})
 * @param captions grounded captions ({@code GroundedCaption})
 * @param scores alignment scores ({@code AlignmentScore})
 * @param dlq records that could not be processed ({@code DeadLetter})
 */
public record VlstreamTopics(
        String frames,
        String instructions,
        String texts,
        String captions,
        String scores,
        String dlq) {

    private static final Logger LOG = LoggerFactory.getLogger(VlstreamTopics.class);

    /** How long {@link #createIfMissing(Admin, int)} waits for the cluster. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private static final Duration RETRY_BACKOFF = Duration.ofMillis(100);

    /** Checks that every name is a legal Kafka topic name and that no two are the same. */
    public VlstreamTopics {
        Map<String, String> byName = new LinkedHashMap<>();
        check("frames", frames, byName);
        check("instructions", instructions, byName);
        check("texts", texts, byName);
        check("captions", captions, byName);
        check("scores", scores, byName);
        check("dlq", dlq, byName);
    }

    /** The default names: {@code vlstream.frames}, {@code vlstream.instructions}, ... */
    public static VlstreamTopics defaults() {
        return withPrefix("vlstream.");
    }

    /** The default names with another prefix, e.g. {@code "test-42."} for isolated tests. */
    public static VlstreamTopics withPrefix(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        return new VlstreamTopics(
                prefix + "frames",
                prefix + "instructions",
                prefix + "texts",
                prefix + "captions",
                prefix + "scores",
                prefix + "dlq");
    }

    /** All six names, in declaration order. */
    public List<String> all() {
        return List.of(frames, instructions, texts, captions, scores, dlq);
    }

    /**
     * The topics as vlstream creates them: {@code partitions} partitions each, except the
     * instructions topic, which has one partition (instructions are broadcast, and one partition
     * keeps their order) and is log-compacted (the latest instruction per id is the state).
     * Replication is the cluster's default.
     */
    public List<NewTopic> newTopics(int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, not " + partitions);
        }
        List<NewTopic> topics = new ArrayList<>();
        for (String name : all()) {
            if (name.equals(instructions)) {
                topics.add(
                        new NewTopic(name, Optional.of(1), Optional.empty())
                                .configs(
                                        Map.of(
                                                TopicConfig.CLEANUP_POLICY_CONFIG,
                                                TopicConfig.CLEANUP_POLICY_COMPACT)));
            } else {
                topics.add(new NewTopic(name, Optional.of(partitions), Optional.empty()));
            }
        }
        return topics;
    }

    /** {@link #createIfMissing(Admin, int, Duration)} with {@link #DEFAULT_TIMEOUT}. */
    public Set<String> createIfMissing(Admin admin, int partitions) {
        return createIfMissing(admin, partitions, DEFAULT_TIMEOUT);
    }

    /**
     * Creates the topics that do not exist yet (see {@link #newTopics(int)}) and leaves existing
     * ones as they are. An existing instructions topic that is not compacted is reported with a
     * warning: without compaction retired instructions are lost to retention, and a restarted job
     * no longer sees old active ones.
     *
     * @return the names of the topics this call created
     * @throws KafkaException when a topic cannot be created or the cluster does not answer within
     *     {@code timeout}
     */
    public Set<String> createIfMissing(Admin admin, int partitions, Duration timeout) {
        Objects.requireNonNull(admin, "admin");
        long deadline = System.nanoTime() + timeout.toNanos();
        CreateTopicsResult result = admin.createTopics(newTopics(partitions));
        Set<String> created = new LinkedHashSet<>();
        Map<String, KafkaFuture<Void>> futures = result.values();
        for (String name : all()) {
            try {
                await(futures.get(name), deadline);
                created.add(name);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new KafkaException(
                            "Could not create topic '" + name + "': " + e.getCause(), e.getCause());
                }
            } catch (TimeoutException e) {
                throw new KafkaException(
                        "Timed out after " + timeout + " creating topic '" + name + "'", e);
            }
        }
        if (!created.isEmpty()) {
            awaitKnown(admin, created, deadline, timeout);
            LOG.info("Created topics {}", created);
        }
        if (!created.contains(instructions)) {
            checkCompacted(admin, deadline, timeout);
        }
        return created;
    }

    /**
     * Waits until the broker that answers knows the new topics: the controller acknowledges a
     * creation before the brokers have the metadata, and a client that looks the topic up at once
     * (the Flink Kafka source's partition discovery does) would fail on an unknown topic.
     */
    private static void awaitKnown(
            Admin admin, Set<String> topics, long deadline, Duration timeout) {
        while (true) {
            try {
                await(admin.describeTopics(topics).allTopicNames(), deadline);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
                        || System.nanoTime() + RETRY_BACKOFF.toNanos() > deadline) {
                    throw new KafkaException(
                            "Created topics "
                                    + topics
                                    + " but could not describe them: "
                                    + e.getCause(),
                            e.getCause());
                }
            } catch (TimeoutException e) {
                throw new KafkaException(
                        "Created topics " + topics + " but they were not visible within " + timeout,
                        e);
            }
            sleep(RETRY_BACKOFF);
        }
    }

    private void checkCompacted(Admin admin, long deadline, Duration timeout) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, instructions);
        Config config;
        try {
            config = describeConfigs(admin, resource, deadline);
        } catch (ExecutionException e) {
            throw new KafkaException(
                    "Could not read the configuration of topic '"
                            + instructions
                            + "': "
                            + e.getCause(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException(
                    "Timed out after "
                            + timeout
                            + " reading the configuration of topic '"
                            + instructions
                            + "'",
                    e);
        }
        ConfigEntry policy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG);
        String value = policy == null ? "" : policy.value();
        if (!isCompacted(value)) {
            LOG.warn(
                    "The existing instructions topic '{}' has cleanup.policy={}, not compact: "
                            + "instructions will be deleted by retention and a restarted job "
                            + "will not see them. Fix: kafka-configs.sh --alter --entity-type "
                            + "topics --entity-name {} --add-config cleanup.policy=compact",
                    instructions,
                    value,
                    instructions);
        }
    }

    /**
     * A topic created a moment ago (by another process, or just before a restart) can still be
     * unknown to the broker that answers, until its metadata arrives: asked again until the
     * deadline.
     */
    private static Config describeConfigs(Admin admin, ConfigResource resource, long deadline)
            throws ExecutionException, TimeoutException {
        while (true) {
            try {
                return await(
                        admin.describeConfigs(List.of(resource)).values().get(resource), deadline);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
                        || System.nanoTime() + RETRY_BACKOFF.toNanos() > deadline) {
                    throw e;
                }
            }
            sleep(RETRY_BACKOFF);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            throw new InterruptException(e);
        }
    }

    /**
     * Whether a {@code cleanup.policy} value (e.g. {@code "compact,delete"}) includes compaction.
     */
    static boolean isCompacted(String cleanupPolicy) {
        for (String part : cleanupPolicy.split(",")) {
            if (part.trim().equals(TopicConfig.CLEANUP_POLICY_COMPACT)) {
                return true;
            }
        }
        return false;
    }

    private static <T> T await(java.util.concurrent.Future<T> future, long deadline)
            throws ExecutionException, TimeoutException {
        try {
            return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            throw new InterruptException(e);
        }
    }

    private static void check(String role, String name, Map<String, String> byName) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("The " + role + " topic name is missing");
        }
        // Kafka's rule (org.apache.kafka.common.internals.Topic, not public API).
        if (name.length() > 249
                || name.equals(".")
                || name.equals("..")
                || !name.matches("[a-zA-Z0-9._-]+")) {
            throw new IllegalArgumentException(
                    "The "
                            + role
                            + " topic name '"
                            + name
                            + "' is not a valid Kafka topic name: use at most 249 of"
                            + " a-z A-Z 0-9 . _ -, and not '.' or '..'");
        }
        String other = byName.putIfAbsent(name, role);
        if (other != null) {
            throw new IllegalArgumentException(
                    "The "
                            + other
                            + " and "
                            + role
                            + " topics are both named '"
                            + name
                            + "'; each needs its own topic");
        }
    }
}
