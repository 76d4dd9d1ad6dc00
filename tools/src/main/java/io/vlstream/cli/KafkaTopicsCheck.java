package io.vlstream.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Asks the cluster about the topics a tool uses before the tool starts, so a wrong address, missing
 * security settings or a missing topic fail at once with a message rather than as a hang: a Kafka
 * client otherwise retries quietly until its own timeouts pass.
 */
final class KafkaTopicsCheck {

    private KafkaTopicsCheck() {}

    /**
     * The partitions of each topic.
     *
     * @throws UserError when the cluster does not answer within {@code timeout}, refuses the
     *     credentials, or lacks a topic
     */
    static List<TopicPartition> partitions(
            Properties adminProps, List<String> topics, Duration timeout) {
        String servers = adminProps.getProperty("bootstrap.servers");
        Admin admin = Admin.create(adminProps);
        try {
            Map<String, TopicDescription> described =
                    admin.describeTopics(topics)
                            .allTopicNames()
                            .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                described
                        .get(topic)
                        .partitions()
                        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            return partitions;
        } catch (TimeoutException e) {
            throw new UserError(unreachable(servers, timeout));
        } catch (ExecutionException e) {
            throw explain(e.getCause(), servers, principal(adminProps), topics, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError(
                    "Interrupted while asking Kafka at " + servers + " about " + topics);
        } finally {
            admin.close(Duration.ZERO);
        }
    }

    static String unreachable(String servers, Duration timeout) {
        return "Kafka at "
                + servers
                + " did not answer within "
                + Durations.show(timeout)
                + ": check --bootstrap-servers, and that --kafka-properties holds the security"
                + " settings (SASL/SSL) the cluster needs";
    }

    /** Who the settings log in as: the SASL user name, if any. */
    static String principal(Properties props) {
        Matcher user = USERNAME.matcher(props.getProperty("sasl.jaas.config", ""));
        return user.find() ? "user '" + user.group(1) + "'" : "this client";
    }

    private static final Pattern USERNAME = Pattern.compile("username=\"([^\"]*)\"");

    private static UserError explain(
            Throwable cause,
            String servers,
            String principal,
            List<String> topics,
            Duration timeout) {
        if (cause instanceof UnknownTopicOrPartitionException) {
            return new UserError(
                    "Kafka at "
                            + servers
                            + " has no topic "
                            + (topics.size() == 1 ? "'" + topics.get(0) + "'" : "among " + topics)
                            + ": create it (the vlstream job creates its topics when it starts)"
                            + " or name another with --topic",
                    cause);
        }
        if (cause instanceof AuthenticationException) {
            return new UserError(
                    "Kafka at "
                            + servers
                            + " refused the connection: "
                            + cause.getMessage()
                            + " (check the SASL/SSL settings in --kafka-properties)",
                    cause);
        }
        if (cause instanceof AuthorizationException) {
            return new UserError(
                    "Kafka at "
                            + servers
                            + " does not authorize "
                            + principal
                            + " for "
                            + topics
                            + " ("
                            + cause.getMessage()
                            + "): it needs ACLs on them (deploy/kubernetes/base/kafka/users.yaml"
                            + " lists each role's)",
                    cause);
        }
        if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
            return new UserError(unreachable(servers, timeout), cause);
        }
        return new UserError("Kafka at " + servers + " failed: " + cause, cause);
    }
}
