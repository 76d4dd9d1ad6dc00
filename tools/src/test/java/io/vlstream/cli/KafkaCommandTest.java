package io.vlstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vlstream kafka --secure} in a JVM of its own, as a user starts it: each role's properties
 * file logs that role in (a producer publishes frames; a reader may not), SIGTERM stops it, and
 * started again on the same folder it keeps its users (the first run's passwords still log in). The
 * folder and the files holding passwords are readable by their owner only, and no password is
 * printed.
 */
class KafkaCommandTest {

    @TempDir Path dir;

    @Test
    void aSecureBrokerServesEachRoleWhatItMayAndSurvivesARestart() throws Exception {
        int port = freePort();
        String servers = "127.0.0.1:" + port;
        Path home = dir.resolve("kafka");
        Broker first = Broker.start(home, port);
        try {
            assertThat(first.lines()).anyMatch(l -> l.contains("SCRAM-SHA-512 over TLS"));
            Cli.Result produce = produce(servers, home.resolve("vlstream-producer.properties"));
            assertThat(produce.exit()).as(produce.toString()).isZero();
            Cli.Result refused = produce(servers, home.resolve("vlstream-reader.properties"));
            assertThat(refused.exit()).isNotZero();
            assertThat(refused.err()).contains("does not authorize user 'vlstream-reader'");
        } finally {
            first.stop();
        }

        Broker second = Broker.start(home, port);
        try {
            Cli.Result produce = produce(servers, home.resolve("vlstream-producer.properties"));
            assertThat(produce.exit()).as(produce.toString()).isZero();
            Cli.Result tail =
                    Cli.run(
                            "tail",
                            "--topics",
                            "dlq",
                            "--from-beginning",
                            "--timeout",
                            "2s",
                            "-b",
                            servers,
                            "--kafka-properties",
                            home.resolve("vlstream-reader.properties").toString());
            assertThat(tail.exit()).as(tail.toString()).isZero();
        } finally {
            second.stop();
        }
        Path secrets = home.resolve("tls/secrets.properties");
        assertThat(Files.readString(secrets)).contains("user.admin");
        for (Path secret :
                List.of(
                        home,
                        secrets,
                        home.resolve("vlstream-producer.properties"),
                        home.resolve("data/server.properties"))) {
            assertThat(
                            java.nio.file.attribute.PosixFilePermissions.toString(
                                    Files.getPosixFilePermissions(secret)))
                    .as("permissions of %s", secret)
                    .matches("rw[x-]------");
        }
        assertThat(Files.exists(home.resolve("tls/ca.p12"))).as("the CA's key is gone").isFalse();
        java.util.Properties saved = new java.util.Properties();
        try (var in = Files.newBufferedReader(secrets)) {
            saved.load(in);
        }
        String output = String.join("\n", first.lines()) + String.join("\n", second.lines());
        for (String name : saved.stringPropertyNames()) {
            assertThat(output).as("printed").doesNotContain(saved.getProperty(name));
        }
    }

    private static Cli.Result produce(String servers, Path login) throws IOException {
        return Cli.run(
                "produce",
                io.vlstream.fetch.SampleMedia.vtestAvi().toString(),
                "--max-frames",
                "2",
                "-b",
                servers,
                "--kafka-properties",
                login.toString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** One {@code vlstream kafka --secure} process. */
    private record Broker(Process process, List<String> lines) {

        static Broker start(Path home, int port) throws Exception {
            Process process =
                    new ProcessBuilder(
                                    Path.of(System.getProperty("java.home"), "bin", "java")
                                            .toString(),
                                    "-cp",
                                    System.getProperty("java.class.path"),
                                    "io.vlstream.cli.VlstreamCli",
                                    "kafka",
                                    "--secure",
                                    "--dir",
                                    home.toString(),
                                    "--port",
                                    String.valueOf(port))
                            .redirectErrorStream(true)
                            .start();
            List<String> lines = new CopyOnWriteArrayList<>();
            Thread reader =
                    new Thread(
                            () -> {
                                try (BufferedReader in =
                                        new BufferedReader(
                                                new InputStreamReader(
                                                        process.getInputStream(),
                                                        StandardCharsets.UTF_8))) {
                                    for (String line; (line = in.readLine()) != null; ) {
                                        lines.add(line);
                                    }
                                } catch (IOException e) {
                                    // The process ended.
                                }
                            });
            reader.setDaemon(true);
            reader.start();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (lines.stream().noneMatch(l -> l.contains("ready;"))) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    throw new AssertionError("vlstream kafka did not start:\n" + lines);
                }
                Thread.sleep(100);
            }
            return new Broker(process, lines);
        }

        void stop() throws InterruptedException {
            process.destroy();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stopped on SIGTERM").isTrue();
            assertThat(process.exitValue()).as(String.join("\n", lines)).isIn(0, 143);
        }
    }
}
