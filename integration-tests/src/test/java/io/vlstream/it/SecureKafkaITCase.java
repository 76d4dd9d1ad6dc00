package io.vlstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.cli.VlstreamCli;
import io.vlstream.fetch.SampleMedia;
import io.vlstream.kafka.VlstreamTopics;
import io.vlstream.local.EmbeddedKafkaBroker;
import io.vlstream.local.RoleAcls;
import io.vlstream.local.ScramTls;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * vlstream against a Kafka that is locked down as deploy/'s: SCRAM-SHA-512 over TLS, authorization
 * by ACLs, one user per role. The job ({@code vlstream run}, its own JVM) and every tool log in as
 * their role and do their work; a wrong password, an unknown CA and a missing ACL each fail within
 * seconds with a message that names the cause.
 */
class SecureKafkaITCase {

    private static final String GROUP = "vlstream-secure";
    private static final String STRANGER = "vlstream-stranger";
    private static final String STREAM = "cam-secure";
    private static final Duration FAST = Duration.ofSeconds(30);

    @TempDir Path dir;

    @Test
    void everyToolWorksAsItsRoleAndFailuresNameTheirCause() throws Exception {
        List<String> users = new ArrayList<>(RoleAcls.ROLES);
        users.add(STRANGER);
        ScramTls tls = ScramTls.create(dir.resolve("tls"), users);
        VlstreamTopics topics = VlstreamTopics.defaults();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().withScramTls(tls).start();
                Admin admin = Admin.create(client(broker, tls.clientProperties(ScramTls.ADMIN)))) {
            String servers = broker.bootstrapServers();
            topics.createIfMissing(admin, 2);
            admin.createAcls(RoleAcls.of(topics, GROUP, GROUP)).all().get(30, TimeUnit.SECONDS);
            Map<String, Path> login = new java.util.HashMap<>();
            for (String user : users) {
                login.put(user, tls.writeClientProperties(user, dir.resolve(user + ".properties")));
            }

            VlstreamRunProcess job =
                    VlstreamRunProcess.start(
                            servers,
                            dir.resolve("checkpoints"),
                            List.of(
                                    "--kafka-properties",
                                    login.get(RoleAcls.JOB).toString(),
                                    "--no-create-topics",
                                    "-D",
                                    "vlstream.kafka.group-id=" + GROUP,
                                    "-D",
                                    "vlstream.kafka.transactional-id-prefix=" + GROUP,
                                    "-D",
                                    "vlstream.checkpoint-interval=500ms",
                                    "-D",
                                    "vlstream.selection.quiet-timeout=2s"));
            try {
                Result instruct =
                        vlstream(
                                "instruct",
                                "add",
                                "people",
                                "a person",
                                "-b",
                                servers,
                                "--kafka-properties",
                                login.get(RoleAcls.OPERATOR).toString());
                assertThat(instruct.exit()).as(instruct.toString()).isZero();
                awaitInstructionsRead(admin, topics);

                Result produce =
                        vlstream(
                                "produce",
                                SampleMedia.vtestAvi().toString(),
                                "-b",
                                servers,
                                "--stream",
                                STREAM,
                                "--max-frames",
                                "40",
                                "--kafka-properties",
                                login.get(RoleAcls.PRODUCER).toString());
                assertThat(produce.exit()).as(produce.toString()).isZero();
                assertThat(produce.out()).contains("published 40 frames");

                Result tail = awaitCaption(servers, login.get(RoleAcls.READER));
                assertThat(tail.out()).contains(STREAM).contains("people");

                Result report =
                        vlstream(
                                "report",
                                "--bootstrap-servers",
                                servers,
                                "-D",
                                "vlstream.kafka.properties-file=" + login.get(RoleAcls.READER),
                                "--out",
                                dir.resolve("report.html").toString());
                assertThat(report.exit()).as(report.toString()).isZero();
                assertThat(Files.readString(dir.resolve("report.html"))).contains(STREAM);

                Result export =
                        vlstream(
                                "export",
                                "--bootstrap-servers",
                                servers,
                                "-D",
                                "vlstream.kafka.properties-file=" + login.get(RoleAcls.READER),
                                "--format",
                                "coco",
                                "--out",
                                dir.resolve("coco").toString());
                assertThat(export.exit()).as(export.toString()).isZero();
            } finally {
                job.stop();
            }

            // Refusals: each within seconds, each naming its cause.
            Path wrongPassword = dir.resolve("wrong.properties");
            write(
                    ScramTls.clientProperties(
                            RoleAcls.PRODUCER, "not-the-password", tls.caCertificate()),
                    wrongPassword);
            assertRefused(
                    servers,
                    wrongPassword,
                    "Authentication failed",
                    "produce",
                    SampleMedia.vtestAvi().toString(),
                    "--max-frames",
                    "1");

            ScramTls otherCa = ScramTls.create(dir.resolve("other-ca"), List.of());
            Path untrusted = dir.resolve("untrusted.properties");
            write(
                    ScramTls.clientProperties(
                            RoleAcls.PRODUCER,
                            tls.password(RoleAcls.PRODUCER),
                            otherCa.caCertificate()),
                    untrusted);
            assertRefused(
                    servers,
                    untrusted,
                    "SSL handshake failed",
                    "produce",
                    SampleMedia.vtestAvi().toString(),
                    "--max-frames",
                    "1");

            assertRefused(
                    servers,
                    login.get(STRANGER),
                    "does not authorize user '" + STRANGER + "' for [vlstream.frames]",
                    "produce",
                    SampleMedia.vtestAvi().toString(),
                    "--max-frames",
                    "1");
            // A producer may write frames, not read what the job wrote.
            assertRefused(
                    servers,
                    login.get(RoleAcls.PRODUCER),
                    "does not authorize user '" + RoleAcls.PRODUCER + "'",
                    "tail",
                    "--from-beginning",
                    "--timeout",
                    "5s");
        }
    }

    private static void assertRefused(String servers, Path login, String cause, String... command)
            throws Exception {
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(List.of("-b", servers, "--kafka-properties", login.toString()));
        long start = System.nanoTime();
        Result result = vlstream(args.toArray(String[]::new));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(result.exit()).as(result.toString()).isNotZero();
        assertThat(result.err() + result.out()).as(result.toString()).contains(cause);
        assertThat(took).as(result.toString()).isLessThan(FAST);
    }

    private static Result awaitCaption(String servers, Path reader) throws Exception {
        long deadline = System.nanoTime() + VlstreamCluster.OUTPUT_TIMEOUT.toNanos();
        Result tail;
        do {
            tail =
                    vlstream(
                            "tail",
                            "--topics",
                            "captions",
                            "--from-beginning",
                            "--max",
                            "1",
                            "--timeout",
                            "10s",
                            "-b",
                            servers,
                            "--kafka-properties",
                            reader.toString());
            assertThat(tail.exit()).as(tail.toString()).isZero();
        } while (!tail.out().contains(STREAM) && System.nanoTime() < deadline);
        return tail;
    }

    /** Waits until the job's instructions reader has committed past everything published. */
    private static void awaitInstructionsRead(Admin admin, VlstreamTopics topics) throws Exception {
        TopicPartition partition = new TopicPartition(topics.instructions(), 0);
        long deadline = System.nanoTime() + VlstreamCluster.APPLY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            OffsetAndMetadata committed =
                    admin.listConsumerGroupOffsets(GROUP + "-instructions")
                            .partitionsToOffsetAndMetadata()
                            .get(10, TimeUnit.SECONDS)
                            .get(partition);
            if (committed != null && committed.offset() >= 1) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("The job did not read the instruction");
    }

    private static Properties client(EmbeddedKafkaBroker broker, Properties security) {
        Properties props = new Properties();
        props.putAll(security);
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        return props;
    }

    private static void write(Properties props, Path file) throws Exception {
        try (Writer out = Files.newBufferedWriter(file)) {
            props.store(out, null);
        }
    }

    /** What a vlstream command returned and printed. */
    private record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- out ---\n" + out + "\n--- err ---\n" + err;
        }
    }

    private static Result vlstream(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new VlstreamCli());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }
}
