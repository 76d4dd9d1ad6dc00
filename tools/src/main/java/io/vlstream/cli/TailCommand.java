package io.vlstream.cli;

import io.vlstream.avro.AlignmentScore;
import io.vlstream.avro.DeadLetter;
import io.vlstream.avro.GroundedCaption;
import io.vlstream.decode.InputLimits;
import io.vlstream.instruction.StreamSelector;
import io.vlstream.serde.AvroCodec;
import io.vlstream.serde.AvroDecodeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code vlstream tail}: prints the job's captions, scores and dead letters as they are committed,
 * for people.
 */
@Command(
        name = "tail",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Print vlstream's output as it arrives, for people: grounded captions (with boxes and"
                    + " evidence frames), alignment scores (one line each, with the terms that"
                    + " made them) and dead letters (reason, source topic/partition@offset,"
                    + " message). Runs until Ctrl-C, --max or --timeout.",
            ""
        },
        footer = {
            "",
            "Examples:",
            "  vlstream tail -b kafka:9092 --topics captions --stream 'cam-*'",
            "  vlstream tail --topics dlq --from-beginning --timeout 10s",
            "",
            "Exit status: 0; 1 when Kafka fails, or --timeout ends it before --max records."
        })
final class TailCommand implements Callable<Integer> {

    /** The output topics {@code tail} can show. */
    enum Kind {
        captions,
        scores,
        dlq
    }

    @Spec CommandSpec spec;

    @Option(
            names = "--topics",
            split = ",",
            paramLabel = "KIND",
            defaultValue = "captions,scores,dlq",
            description = "What to show, of ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    List<Kind> kinds;

    @Option(
            names = "--from-beginning",
            description = "Start at the topics' beginning (default: only what arrives from now).")
    boolean fromBeginning;

    @Option(
            names = "--read-committed",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description =
                    "Show only committed records, as the job's consumers see them (default: on;"
                            + " --no-read-committed also shows records of open or aborted"
                            + " transactions).")
    boolean readCommitted;

    @Option(
            names = "--stream",
            paramLabel = "GLOB",
            description =
                    "Only this stream, or the streams matching a glob such as 'cam-*'. Dead letters"
                            + " without a stream id or key are left out when it is set.")
    String stream;

    @Option(
            names = "--max",
            paramLabel = "N",
            defaultValue = "0",
            description = "Stop after printing N records (default: 0, no limit).")
    long max;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description =
                    "Stop when nothing was printed for this long, such as 10s (default: wait"
                            + " forever).")
    Duration idleTimeout;

    @Option(
            names = "--captions-topic",
            paramLabel = "TOPIC",
            defaultValue = "vlstream.captions",
            description = "(default: ${DEFAULT-VALUE})")
    String captionsTopic;

    @Option(
            names = "--scores-topic",
            paramLabel = "TOPIC",
            defaultValue = "vlstream.scores",
            description = "(default: ${DEFAULT-VALUE})")
    String scoresTopic;

    @Option(
            names = "--dlq-topic",
            paramLabel = "TOPIC",
            defaultValue = "vlstream.dlq",
            description = "(default: ${DEFAULT-VALUE})")
    String dlqTopic;

    @Mixin KafkaClientOptions kafka;

    private volatile boolean stopRequested;

    /** --stream, compiled once; null: every stream. */
    private StreamSelector streams;

    @Override
    public Integer call() throws Exception {
        if (max < 0) {
            throw new ParameterException(
                    spec.commandLine(), "--max must be 0 (no limit) or more, not " + max);
        }
        var globProblem = StreamSelector.checkGlob(stream, InputLimits.defaults());
        if (globProblem != null) {
            throw new ParameterException(spec.commandLine(), "--stream: " + globProblem.message());
        }
        streams = stream == null ? null : StreamSelector.of(List.of(), stream);
        try {
            return tail();
        } catch (UserError e) {
            spec.commandLine().getErr().println("vlstream tail: " + e.getMessage());
            return 1;
        }
    }

    private int tail() throws Exception {
        Map<String, Kind> topics = new LinkedHashMap<>();
        for (Kind kind : kinds) {
            topics.put(topicOf(kind), kind);
        }
        List<TopicPartition> partitions =
                KafkaTopicsCheck.partitions(
                        kafka.admin(), new ArrayList<>(topics.keySet()), kafka.timeout);
        ZoneId zone = ZoneId.systemDefault();
        Console console = new Console(spec.commandLine().getOut(), false);
        CaptionPrinter captions = CaptionPrinter.wallClock(console, zone);
        AvroCodec<GroundedCaption> captionCodec = AvroCodec.of(GroundedCaption.class);
        AvroCodec<AlignmentScore> scoreCodec = AvroCodec.of(AlignmentScore.class);
        AvroCodec<DeadLetter> deadLetterCodec = AvroCodec.of(DeadLetter.class);

        long printed = 0;
        CountDownLatch finished = new CountDownLatch(1);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        kafka.consumer("vlstream-tail", readCommitted),
                        new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
            Thread onInterrupt =
                    new Thread(
                            () -> {
                                stopRequested = true;
                                consumer.wakeup();
                                try {
                                    finished.await(5, TimeUnit.SECONDS);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            },
                            "vlstream-tail-stop");
            Runtime.getRuntime().addShutdownHook(onInterrupt);
            try {
                consumer.assign(partitions);
                if (fromBeginning) {
                    consumer.seekToBeginning(partitions);
                } else {
                    consumer.seekToEnd(partitions);
                }
                // Resolves the seeks now: what is published after this line is shown.
                partitions.forEach(consumer::position);
                spec.commandLine()
                        .getErr()
                        .println(
                                "tail: "
                                        + String.join(", ", topics.keySet())
                                        + " on "
                                        + kafka.servers()
                                        + (fromBeginning ? " from the beginning" : " from now")
                                        + (readCommitted ? "" : ", uncommitted records too")
                                        + " (Ctrl-C stops)");
                long lastPrinted = System.nanoTime();
                while (!stopRequested) {
                    if (idleTimeout != null
                            && System.nanoTime() - lastPrinted > idleTimeout.toNanos()) {
                        break;
                    }
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        if (r.value() == null || (max > 0 && printed >= max)) {
                            continue;
                        }
                        boolean shown;
                        try {
                            shown =
                                    switch (topics.get(r.topic())) {
                                        case captions ->
                                                show(
                                                        captionCodec.decode(r.value()),
                                                        c -> c.getStreamId(),
                                                        captions::print);
                                        case scores ->
                                                show(
                                                        scoreCodec.decode(r.value()),
                                                        s -> s.getStreamId(),
                                                        s ->
                                                                console.block(
                                                                        RecordFormat.score(
                                                                                s, zone)));
                                        case dlq ->
                                                show(
                                                        deadLetterCodec.decode(r.value()),
                                                        RecordFormat::streamOf,
                                                        d ->
                                                                console.block(
                                                                        RecordFormat.deadLetter(
                                                                                d)));
                                    };
                        } catch (AvroDecodeException e) {
                            console.block(
                                    "  ? unreadable record at "
                                            + r.topic()
                                            + "/"
                                            + r.partition()
                                            + "@"
                                            + r.offset()
                                            + ": "
                                            + e.getMessage());
                            shown = false;
                        }
                        if (shown) {
                            printed++;
                            lastPrinted = System.nanoTime();
                        }
                    }
                    if (max > 0 && printed >= max) {
                        break;
                    }
                }
            } catch (WakeupException e) {
                // Ctrl-C: the hook woke the consumer up.
            } finally {
                finished.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(onInterrupt);
                } catch (IllegalStateException e) {
                    // Shutting down: the hook runs and waits for this thread.
                }
            }
        }
        return max > 0 && printed < max && !stopRequested ? 1 : 0;
    }

    private <T> boolean show(
            T record,
            java.util.function.Function<T, String> streamOf,
            java.util.function.Consumer<T> print) {
        if (streams != null) {
            String id = streamOf.apply(record);
            if (id == null || !streams.selects(id)) {
                return false;
            }
        }
        print.accept(record);
        return true;
    }

    private String topicOf(Kind kind) {
        return switch (kind) {
            case captions -> captionsTopic;
            case scores -> scoresTopic;
            case dlq -> dlqTopic;
        };
    }
}
