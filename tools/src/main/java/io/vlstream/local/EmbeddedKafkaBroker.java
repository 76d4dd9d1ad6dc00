package io.vlstream.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka 4.2 broker in KRaft mode (one combined broker + controller node) running in this
 * JVM, for the embedded mode and for tests.
 *
 * <p>Settings are those a single node needs (internal topics with replication factor 1) plus a
 * {@code transaction.max.timeout.ms} of one hour, so the Flink Kafka sink's default transaction
 * timeout (one hour) is accepted. It listens on 127.0.0.1 only, without TLS or authentication
 * unless built {@link Builder#withScramTls with SCRAM over TLS}.
 *
 * <p>The broker must come from the same {@code kafka-clients} 4.2.x as the Flink connector when
 * both run in one JVM.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;

    /** Port races (a chosen free port taken before the broker binds it) are retried this often. */
    private static final int START_ATTEMPTS = 3;

    private final KafkaRaftServer server;
    private final Path dataDir;
    private final boolean deleteDataDirOnClose;
    private final int port;
    private final int controllerPort;
    private final String clusterId;
    private boolean closed;

    private EmbeddedKafkaBroker(
            KafkaRaftServer server,
            Path dataDir,
            boolean deleteDataDirOnClose,
            int port,
            int controllerPort,
            String clusterId) {
        this.server = server;
        this.dataDir = dataDir;
        this.deleteDataDirOnClose = deleteDataDirOnClose;
        this.port = port;
        this.controllerPort = controllerPort;
        this.clusterId = clusterId;
    }

    /** Starts a broker on free ports with its data in a temporary folder deleted on close. */
    public static EmbeddedKafkaBroker start() throws IOException {
        return builder().start();
    }

    /** A builder for a broker with a fixed port, a kept data folder or extra broker settings. */
    public static Builder builder() {
        return new Builder();
    }

    /** The {@code bootstrap.servers} value for clients: {@code 127.0.0.1:<port>}. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    /** The client (PLAINTEXT) listener's port. */
    public int port() {
        return port;
    }

    /** The KRaft controller listener's port. */
    public int controllerPort() {
        return controllerPort;
    }

    /** The folder holding the broker's logs and metadata. */
    public Path dataDir() {
        return dataDir;
    }

    /** The cluster id written when the storage was formatted. */
    public String clusterId() {
        return clusterId;
    }

    /**
     * Stops the broker and waits for it; deletes the data folder when the broker created it.
     * Calling it again does nothing.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long started = System.nanoTime();
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            if (deleteDataDirOnClose) {
                deleteRecursively(dataDir);
            }
        }
        LOG.info(
                "Kafka broker {} stopped in {} ms",
                bootstrapServers(),
                Duration.ofNanos(System.nanoTime() - started).toMillis());
    }

    @Override
    public String toString() {
        return "EmbeddedKafkaBroker{" + bootstrapServers() + ", dataDir=" + dataDir + "}";
    }

    /** Options for an {@link EmbeddedKafkaBroker}; all optional. */
    public static final class Builder {
        private int port;
        private int controllerPort;
        private Path dataDir;
        private ScramTls security;
        private final Map<String, String> overrides = new LinkedHashMap<>();

        private Builder() {}

        /** The client port; 0 (the default) picks a free one. */
        public Builder withPort(int port) {
            this.port = checkPort(port, "port");
            return this;
        }

        /** The controller port; 0 (the default) picks a free one. */
        public Builder withControllerPort(int controllerPort) {
            this.controllerPort = checkPort(controllerPort, "controller port");
            return this;
        }

        /**
         * A folder for the broker's data that is kept on close, so topics survive a restart; an
         * already formatted folder is reused as is. By default a temporary folder is created and
         * deleted on close.
         */
        public Builder withDataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
            return this;
        }

        /**
         * Clients connect with SCRAM-SHA-512 over TLS only (the users and certificates of {@code
         * security}), and every request is authorized by ACLs ({@link ScramTls#ADMIN} is a super
         * user): the embedded broker locked down as deploy/'s Kafka is. Users are added when the
         * storage is formatted, so a data folder formatted without them keeps having none.
         */
        public Builder withScramTls(ScramTls security) {
            this.security = Objects.requireNonNull(security, "security");
            return this;
        }

        /** Any broker setting, applied over the embedded defaults. */
        public Builder withBrokerProperty(String key, String value) {
            overrides.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, key));
            return this;
        }

        /** Formats the storage if needed and starts the broker; returns once it accepts clients. */
        public EmbeddedKafkaBroker start() throws IOException {
            if (port != 0 && port == controllerPort) {
                throw new IllegalArgumentException(
                        "The client port and the controller port are both "
                                + port
                                + "; give them different values or leave one at 0.");
            }
            // A given port that is taken fails here, clearly, instead of deep in the broker.
            checkFree(port, "port");
            checkFree(controllerPort, "controller port");
            boolean ownDir = dataDir == null;
            Path dir = ownDir ? Files.createTempDirectory("vlstream-kafka-") : dataDir;
            Files.createDirectories(dir);
            try {
                for (int attempt = 1; ; attempt++) {
                    try {
                        return startOnce(dir, ownDir);
                    } catch (RuntimeException e) {
                        // A free port picked here can be taken before the broker binds it: pick
                        // again.
                        if (attempt < START_ATTEMPTS && isBindFailure(e)) {
                            LOG.info("Kafka broker lost a free port to another process; retrying");
                            continue;
                        }
                        throw new IOException(
                                "Kafka broker could not start (data in "
                                        + dir
                                        + "): "
                                        + rootMessage(e),
                                e);
                    }
                }
            } catch (IOException | RuntimeException | Error e) {
                if (ownDir) {
                    deleteRecursively(dir);
                }
                throw e;
            }
        }

        private EmbeddedKafkaBroker startOnce(Path dir, boolean ownDir) throws IOException {
            long started = System.nanoTime();
            int clientPort = port != 0 ? port : freePort();
            int quorumPort = controllerPort;
            while (quorumPort == 0 || quorumPort == clientPort) {
                quorumPort = freePort();
            }
            Properties props = brokerProperties(dir, clientPort, quorumPort);
            Path configFile = dir.resolve("server.properties");
            // Owner-only: with SCRAM over TLS it holds the admin and key store passwords.
            try (Writer out = ScramTls.privateWriter(configFile)) {
                props.store(out, "vlstream embedded Kafka broker");
            }
            String clusterId =
                    format(configFile, security != null ? security.formatArguments() : List.of());

            KafkaRaftServer server =
                    new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            try {
                server.startup();
            } catch (RuntimeException e) {
                server.shutdown();
                server.awaitShutdown();
                throw e;
            }
            EmbeddedKafkaBroker broker =
                    new EmbeddedKafkaBroker(server, dir, ownDir, clientPort, quorumPort, clusterId);
            LOG.info(
                    "Kafka broker {} (KRaft, cluster {}) started in {} ms, data in {}",
                    broker.bootstrapServers(),
                    clusterId,
                    Duration.ofNanos(System.nanoTime() - started).toMillis(),
                    dir);
            return broker;
        }

        private Properties brokerProperties(Path dir, int clientPort, int quorumPort) {
            Properties p = new Properties();
            p.setProperty("process.roles", "broker,controller");
            p.setProperty("node.id", String.valueOf(NODE_ID));
            p.setProperty("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + quorumPort);
            String client = security != null ? "SASL_SSL" : "PLAINTEXT";
            p.setProperty(
                    "listeners",
                    client
                            + "://"
                            + HOST
                            + ":"
                            + clientPort
                            + ",CONTROLLER://"
                            + HOST
                            + ":"
                            + quorumPort);
            p.setProperty("advertised.listeners", client + "://" + HOST + ":" + clientPort);
            p.setProperty(
                    "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            p.setProperty("controller.listener.names", "CONTROLLER");
            p.setProperty("inter.broker.listener.name", "PLAINTEXT");
            if (security != null) {
                p.putAll(security.brokerProperties());
            }
            p.setProperty("log.dirs", dir.resolve("logs").toString());

            // One node: every internal topic has one replica; few partitions keep start-up quick.
            p.setProperty("offsets.topic.replication.factor", "1");
            p.setProperty("offsets.topic.num.partitions", "4");
            p.setProperty("transaction.state.log.replication.factor", "1");
            p.setProperty("transaction.state.log.min.isr", "1");
            p.setProperty("transaction.state.log.num.partitions", "4");
            p.setProperty("share.coordinator.state.topic.replication.factor", "1");
            p.setProperty("share.coordinator.state.topic.min.isr", "1");
            p.setProperty("default.replication.factor", "1");
            p.setProperty("min.insync.replicas", "1");
            p.setProperty("num.partitions", "1");
            p.setProperty("group.initial.rebalance.delay.ms", "0");

            // The Flink Kafka sink asks for a 1 h transaction timeout by default; the broker's
            // default ceiling (15 min) would fail the job at start.
            p.setProperty(
                    "transaction.max.timeout.ms", String.valueOf(Duration.ofHours(1).toMillis()));

            // Video frames are large records: allow up to 16 MiB (clients must raise
            // max.request.size / fetch sizes to use it; the defaults of 1 MiB still work).
            p.setProperty("message.max.bytes", String.valueOf(16 << 20));
            p.setProperty("replica.fetch.max.bytes", String.valueOf(16 << 20));

            // A local broker: keep a day or 1 GiB per partition, in 64 MiB segments.
            p.setProperty("log.retention.hours", "24");
            p.setProperty("log.retention.bytes", String.valueOf(1L << 30));
            p.setProperty("log.segment.bytes", String.valueOf(64 << 20));
            p.setProperty("log.cleaner.dedupe.buffer.size", String.valueOf(16 << 20));

            // Two shared cores are common where this runs: fewer threads than a server's defaults.
            p.setProperty("num.network.threads", "2");
            p.setProperty("num.io.threads", "4");
            p.setProperty("background.threads", "4");
            p.setProperty("num.recovery.threads.per.data.dir", "1");

            p.putAll(overrides);
            return p;
        }

        /** Formats the storage unless it already is, and returns its cluster id. */
        private static String format(Path configFile, List<String> extra) throws IOException {
            Path meta = configFile.resolveSibling("logs").resolve("meta.properties");
            if (Files.exists(meta)) {
                Properties written = new Properties();
                try (var in = Files.newInputStream(meta)) {
                    written.load(in);
                }
                String existing = written.getProperty("cluster.id");
                if (existing != null) {
                    return existing;
                }
            }
            String clusterId = Uuid.randomUuid().toString();
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            int rc;
            List<String> args =
                    new ArrayList<>(
                            List.of("format", "-t", clusterId, "-c", configFile.toString()));
            args.addAll(extra);
            try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
                rc = StorageTool.execute(args.toArray(String[]::new), out);
            } catch (RuntimeException e) {
                throw new IOException(
                        "Kafka storage format failed for "
                                + configFile.getParent()
                                + ": "
                                + e.getMessage()
                                + "\n"
                                + output.toString(StandardCharsets.UTF_8),
                        e);
            }
            if (rc != 0) {
                throw new IOException(
                        "Kafka storage format failed (exit "
                                + rc
                                + ") for "
                                + configFile.getParent()
                                + ":\n"
                                + output.toString(StandardCharsets.UTF_8));
            }
            return clusterId;
        }

        private static void checkFree(int port, String what) throws IOException {
            if (port == 0) {
                return;
            }
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(HOST))) {
                socket.setReuseAddress(true);
            } catch (IOException e) {
                throw new IOException(
                        "The Kafka broker's "
                                + what
                                + " "
                                + HOST
                                + ":"
                                + port
                                + " is not free ("
                                + e.getMessage()
                                + "); choose another or leave it at 0 to pick a free one",
                        e);
            }
        }

        private static String rootMessage(Throwable e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            // The broker's own message names the address; the JDK's BindException does not.
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t.getMessage() != null && t.getMessage().contains("failed to bind")) {
                    return t.getMessage();
                }
            }
            return root.toString();
        }

        private static boolean isBindFailure(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof java.net.BindException
                        || String.valueOf(t.getMessage()).contains("Address already in use")) {
                    return true;
                }
            }
            return false;
        }

        private static int checkPort(int port, String what) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(
                        "The " + what + " must be 0 (pick a free one) or 1-65535, not " + port);
            }
            return port;
        }

        private static int freePort() throws IOException {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
                socket.setReuseAddress(true);
                return socket.getLocalPort();
            }
        }
    }

    /** Deletes a folder and everything in it; a failure is logged, not thrown. */
    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(
                    dir,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                                throws IOException {
                            Files.deleteIfExists(file);
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult postVisitDirectory(Path d, IOException e)
                                throws IOException {
                            Files.deleteIfExists(d);
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Could not delete {}: {}", dir, e.toString());
        }
    }
}
