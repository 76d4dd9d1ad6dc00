package io.vlstream.cli;

import io.vlstream.kafka.VlstreamTopics;
import io.vlstream.local.EmbeddedKafkaBroker;
import io.vlstream.local.RoleAcls;
import io.vlstream.local.ScramTls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vlstream kafka}: a Kafka broker on this machine, with vlstream's topics, until Ctrl-C. */
@Command(
        name = "kafka",
        mixinStandardHelpOptions = true,
        description = {
            "Runs a real Kafka broker (KRaft, one node, 127.0.0.1) with vlstream's topics until"
                    + " Ctrl-C, for 'vlstream run' and the other tools when there is no Kafka yet.",
            "With --secure it is locked down as deploy/'s Kafka is: SCRAM-SHA-512 over TLS only,"
                    + " and ACLs that give each role's user (vlstream-job, -producer, -operator,"
                    + " -labeler, -reader) only what it needs; each user's --kafka-properties file"
                    + " is written to --dir."
        },
        footer = {
            "",
            "Examples:",
            "  vlstream kafka                                  # plaintext on 127.0.0.1:9092",
            "  vlstream kafka --secure --dir ./local-kafka",
            "  vlstream run -b 127.0.0.1:9092 --kafka-properties"
                    + " ./local-kafka/vlstream-job.properties"
        })
final class KafkaCommand implements java.util.concurrent.Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
            names = "--port",
            paramLabel = "PORT",
            defaultValue = "9092",
            description =
                    "Client port on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(
            names = "--dir",
            paramLabel = "DIR",
            description =
                    "Keep the broker's data here (and with --secure its certificates, passwords"
                            + " and the users' properties files), so a restart keeps topics and"
                            + " users. Default: a temporary folder, deleted on exit.")
    Path dir;

    @Option(
            names = "--secure",
            description = "SCRAM-SHA-512 over TLS and ACLs per role (see above).")
    boolean secure;

    @Option(
            names = "--partitions",
            paramLabel = "N",
            defaultValue = "2",
            description = "Partitions of the data topics (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Override
    public Integer call() throws Exception {
        Console out = new Console(spec.commandLine().getOut(), System.console() != null);
        if (port < 0 || port > 65_535) {
            spec.commandLine().getErr().println("vlstream kafka: --port must be 0-65535");
            return 2;
        }
        if (partitions < 1 || partitions > 1_000) {
            spec.commandLine().getErr().println("vlstream kafka: --partitions must be 1-1000");
            return 2;
        }
        boolean temporary = dir == null;
        Path home = temporary ? Files.createTempDirectory("vlstream-kafka-") : dir;
        // Owner-only: it holds the passwords and the users' properties files.
        ScramTls.createPrivateDirectory(home);
        try {
            return serve(home, out);
        } catch (IOException e) {
            spec.commandLine().getErr().println("vlstream kafka: " + e.getMessage());
            return 1;
        } finally {
            if (temporary) {
                EmbeddedKafkaBroker.deleteRecursively(home);
            }
        }
    }

    private int serve(Path home, Console out) throws Exception {
        ScramTls tls = secure ? ScramTls.openOrCreate(home.resolve("tls"), RoleAcls.ROLES) : null;
        EmbeddedKafkaBroker.Builder builder =
                EmbeddedKafkaBroker.builder().withPort(port).withDataDir(home.resolve("data"));
        if (tls != null) {
            builder.withScramTls(tls);
        }
        VlstreamTopics topics = VlstreamTopics.defaults();
        onStop();
        try (EmbeddedKafkaBroker broker = builder.start()) {
            Properties admin = new Properties();
            if (tls != null) {
                admin.putAll(tls.clientProperties(ScramTls.ADMIN));
            }
            admin.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            try (Admin client = Admin.create(admin)) {
                topics.createIfMissing(client, partitions);
                if (tls != null) {
                    // The job's defaults: vlstream.kafka.group-id and transactional-id-prefix.
                    client.createAcls(RoleAcls.of(topics, "vlstream", "vlstream"))
                            .all()
                            .get(30, TimeUnit.SECONDS);
                }
            }
            out.step(
                    "kafka         "
                            + broker.bootstrapServers()
                            + (tls != null ? " (SCRAM-SHA-512 over TLS, ACLs)" : " (plaintext)"));
            out.step("topics        " + String.join(", ", topics.all()));
            out.step("data          " + home);
            if (tls != null) {
                for (String user : RoleAcls.ROLES) {
                    Path file = tls.writeClientProperties(user, home.resolve(user + ".properties"));
                    out.step("login         " + file + "  (--kafka-properties)");
                }
            }
            out.step("ready; Ctrl-C stops it");
            stop.await();
        } finally {
            stopped.countDown();
        }
        return 0;
    }

    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);

    /** Ctrl-C or SIGTERM: stop serving, and let the JVM end only once the broker has stopped. */
    private void onStop() {
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    stop.countDown();
                                    try {
                                        stopped.await(30, TimeUnit.SECONDS);
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                    }
                                },
                                "vlstream-kafka-stop"));
    }
}
