package io.vlstream.cli;

import io.vlstream.jobs.JobSettings;
import io.vlstream.jobs.KafkaOptions;
import io.vlstream.jobs.VlstreamJob;
import io.vlstream.jobs.VlstreamJobMain;
import io.vlstream.kafka.VlstreamTopics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.IllegalConfigurationException;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vlstream run}: the job on a Flink MiniCluster in this process, against an existing Kafka,
 * with checkpoints on disk that survive a restart of the command.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Run the vlstream job on a local Flink (a MiniCluster in this process) against your"
                    + " Kafka, for users who have Kafka but no Flink cluster yet. Checkpoints go"
                    + " to --checkpoint-dir and are kept when the command stops; the next run"
                    + " resumes from the newest one, so nothing is lost or written twice across"
                    + " a restart. Runs until Ctrl-C. Each run keeps its checkpoint in a folder"
                    + " of its own (its job id); the folders of the runs before the last may be"
                    + " deleted.",
            ""
        },
        footer = {
            "",
            "Examples:",
            "  vlstream run -b kafka:9092",
            "  vlstream run -b kafka:9093 --kafka-properties client.properties \\",
            "      --checkpoint-dir /var/lib/vlstream -D vlstream.model.captioner=openai:...",
            "",
            "Exit status: 1 when Kafka or the settings are wrong, or the job fails; a stop by"
                    + " Ctrl-C or SIGTERM cancels the job and keeps the newest checkpoint."
        })
final class RunCommand implements Callable<Integer> {

    /** How long a stop waits for the job's cancellation. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Mixin KafkaClientOptions kafka;

    @Option(
            names = "--checkpoint-dir",
            paramLabel = "DIR",
            description =
                    "Where checkpoints are written and resumed from (default: ${DEFAULT-VALUE}).")
    Path checkpointDir = Path.of("vlstream-checkpoints");

    @Option(
            names = "--fresh",
            description =
                    "Start from the topics' committed offsets and empty state instead of the"
                            + " newest checkpoint.")
    boolean fresh;

    @Option(
            names = "--no-create-topics",
            negatable = true,
            description = "Create vlstream's topics that are missing (default: on).")
    boolean createTopics = true;

    @Option(
            names = "--parallelism",
            defaultValue = "2",
            description = "Flink parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(
            names = {"-D", "--set"},
            description = "A vlstream setting, key=value (see 'vlstream options').")
    Map<String, String> settings = new HashMap<>();

    @Override
    public Integer call() throws Exception {
        Console out = new Console(spec.commandLine().getOut(), System.console() != null);
        try {
            return run(out);
        } catch (UserError e) {
            spec.commandLine().getErr().println("vlstream run: " + e.getMessage());
            return 1;
        }
    }

    private int run(Console out) throws Exception {
        out.heading("vlstream run");
        Configuration conf = LocalFlink.configuration();
        settings.forEach(conf::setString);
        conf.set(KafkaOptions.BOOTSTRAP_SERVERS, kafka.servers());
        if (kafka.propertiesFile != null) {
            conf.set(
                    KafkaOptions.KAFKA_PROPERTIES_FILE,
                    kafka.propertiesFile.toAbsolutePath().toString());
        }
        Path checkpoints = checkpointDir.toAbsolutePath().normalize();
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        conf.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        JobSettings job;
        try {
            job = JobSettings.from(conf);
        } catch (IllegalArgumentException | IllegalConfigurationException e) {
            throw new UserError(e.getMessage(), e);
        }

        out.step("kafka         " + kafka.servers());
        prepareTopics(job, out);
        Optional<Path> resume = fresh ? Optional.empty() : newestCheckpoint(checkpoints);
        resume.ifPresent(p -> conf.set(StateRecoveryOptions.SAVEPOINT_PATH, p.toUri().toString()));
        out.step(
                "checkpoints   "
                        + checkpoints
                        + resume.map(p -> " (resuming from " + p.getFileName() + ")")
                                .orElse(" (starting fresh)"));

        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        VlstreamJob.configure(env, job);
        VlstreamJobMain.kafkaJob(job).addTo(env);
        JobClient client = env.executeAsync("vlstream");
        out.step(
                "flink job     "
                        + client.getJobID()
                        + " on a MiniCluster, parallelism "
                        + parallelism);
        out.step("metrics       " + LocalFlink.prometheusAddress());
        out.step("running; Ctrl-C stops it (the newest checkpoint is kept)");
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    try {
                                        client.cancel()
                                                .get(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                                    } catch (Exception e) {
                                        // Stopping anyway; the checkpoints on disk stay.
                                    }
                                },
                                "vlstream-run-stop"));
        try {
            client.getJobExecutionResult().get();
        } catch (ExecutionException e) {
            // Cancelled by the stop above, or failed: say which, with the job's own error.
            out.step("job ended: " + e.getCause());
            return 1;
        }
        return 0;
    }

    /** Creates the topics that are missing, or checks that they exist (--no-create-topics). */
    private void prepareTopics(JobSettings job, Console out) {
        VlstreamTopics topics = job.kafka().topics();
        if (!createTopics) {
            KafkaTopicsCheck.partitions(kafka.admin(), topics.all(), kafka.timeout);
            out.step("topics        " + String.join(", ", topics.all()));
            return;
        }
        try (Admin admin = Admin.create(kafka.admin())) {
            Set<String> created = topics.createIfMissing(admin, parallelism, kafka.timeout);
            out.step(
                    "topics        "
                            + String.join(", ", topics.all())
                            + (created.isEmpty() ? "" : " (created " + created.size() + ")"));
        } catch (KafkaException e) {
            throw new UserError(
                    KafkaTopicsCheck.unreachable(kafka.servers(), kafka.timeout)
                            + " ("
                            + e.getMessage()
                            + ")",
                    e);
        }
    }

    /**
     * The newest complete checkpoint under {@code dir} (Flink writes {@code JOB/chk-N/_metadata}),
     * or empty when there is none.
     */
    static Optional<Path> newestCheckpoint(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> jobs = Files.list(dir)) {
            return jobs.filter(Files::isDirectory)
                    .flatMap(RunCommand::checkpointsOf)
                    .filter(chk -> Files.isRegularFile(chk.resolve("_metadata")))
                    .max(Comparator.comparing((Path chk) -> modified(chk.resolve("_metadata"))));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list checkpoints in " + dir, e);
        }
    }

    private static Stream<Path> checkpointsOf(Path job) {
        try (Stream<Path> files = Files.list(job)) {
            return files
                    .filter(p -> p.getFileName().toString().startsWith("chk-"))
                    .toList()
                    .stream();
        } catch (IOException e) {
            return Stream.empty();
        }
    }

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return Long.MIN_VALUE;
        }
    }
}
