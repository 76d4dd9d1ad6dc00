package io.vlstream.cli;

import io.vlstream.avro.Instruction;
import io.vlstream.instruction.InstructionValidation;
import io.vlstream.serde.AvroCodec;
import io.vlstream.serde.AvroDecodeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vlstream instruct}: adds, changes, retires and lists the instructions on the compacted
 * instructions topic that running jobs follow.
 */
@Command(
        name = "instruct",
        mixinStandardHelpOptions = true,
        description = {
            "Add, change, retire and list instructions (the compacted instructions topic, keyed by"
                    + " instruction id). Running jobs pick changes up without a restart."
        },
        subcommands = {
            InstructCommand.Add.class,
            InstructCommand.Retire.class,
            InstructCommand.ListCommand.class
        })
final class InstructCommand implements Runnable {

    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** What every instruct subcommand shares: the topic, the Kafka options, output. */
    abstract static class Base implements Callable<Integer> {

        @Spec CommandSpec spec;

        @Option(
                names = "--topic",
                paramLabel = "TOPIC",
                defaultValue = "vlstream.instructions",
                description = "Topic (default: ${DEFAULT-VALUE}).")
        String topic;

        @Mixin KafkaClientOptions kafka;

        @Override
        public final Integer call() throws Exception {
            try {
                return run();
            } catch (UserError e) {
                spec.commandLine()
                        .getErr()
                        .println("vlstream instruct " + spec.name() + ": " + e.getMessage());
                return 1;
            }
        }

        abstract int run() throws Exception;

        /** Publishes one record (null: a tombstone) and waits for the cluster to acknowledge it. */
        RecordMetadata send(String id, Instruction instruction) throws Exception {
            KafkaTopicsCheck.partitions(kafka.admin(), List.of(topic), kafka.timeout);
            byte[] value =
                    instruction == null
                            ? null
                            : AvroCodec.of(Instruction.class).encode(instruction);
            try (KafkaProducer<String, byte[]> producer =
                    new KafkaProducer<>(
                            kafka.producer("vlstream-instruct"),
                            new StringSerializer(),
                            new ByteArraySerializer())) {
                return producer.send(new ProducerRecord<>(topic, id, value))
                        .get(kafka.timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw new UserError(
                        "Kafka at "
                                + kafka.servers()
                                + " did not take the instruction: "
                                + e.getCause().getMessage(),
                        e.getCause());
            } catch (TimeoutException e) {
                throw new UserError(KafkaTopicsCheck.unreachable(kafka.servers(), kafka.timeout));
            }
        }

        /** Refuses an instruction the job would refuse, with the job's own message. */
        void validate(Instruction instruction) {
            String problem =
                    InstructionValidation.problem(instruction, instruction.getInstructionId());
            if (problem != null) {
                throw new ParameterException(spec.commandLine(), "Invalid instruction: " + problem);
            }
        }

        void print(String line) {
            spec.commandLine().getOut().println(line);
            spec.commandLine().getOut().flush();
        }

        static String where(RecordMetadata sent) {
            return sent.topic() + "/" + sent.partition() + "@" + sent.offset();
        }
    }

    /** {@code instruct add}: publishes an instruction, replacing one with the same id. */
    @Command(
            name = "add",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {
                "Add an instruction, or change one: publishing an existing ID replaces it whole"
                        + " (options left out take their defaults).",
                ""
            },
            footer = {
                "",
                "Examples:",
                "  vlstream instruct add van-watch \"a person next to a van\" --stream-glob 'cam-*'",
                "  vlstream instruct add dock \"two trucks\" --streams d1,d2 --threshold 0.5",
                "  vlstream instruct retire van-watch"
            })
    static final class Add extends Base {

        @Parameters(index = "0", paramLabel = "ID", description = "Instruction id (the key).")
        String id;

        @Parameters(
                index = "1",
                paramLabel = "TEXT",
                description = "What to look for, such as \"people walking near a parked van\".")
        String text;

        @Option(
                names = {"--stream", "--streams"},
                paramLabel = "ID",
                split = ",",
                description =
                        "Stream it applies to; repeat it or separate ids with commas (default:"
                                + " every stream, unless --stream-glob). --streams is the old"
                                + " spelling.")
        List<String> streams = new ArrayList<>();

        @Option(
                names = "--stream-glob",
                paramLabel = "GLOB",
                description = "Streams it applies to by a glob over stream ids, such as 'cam-*'.")
        String streamGlob;

        @Option(
                names = "--evidence",
                paramLabel = "N",
                defaultValue = "3",
                description =
                        "Evidence frames kept per moment, 1.."
                                + InstructionValidation.MAX_EVIDENCE_FRAMES
                                + " (default: ${DEFAULT-VALUE}).")
        int evidence;

        @Option(
                names = "--threshold",
                paramLabel = "T",
                description =
                        "Frame score in (0, 1] at or above which a moment is open (default: the"
                                + " job's selection score threshold).")
        Float threshold;

        @Option(
                names = "--prompt",
                paramLabel = "TEXT",
                description = "Caption prompt for captioners that take one.")
        String prompt;

        @Override
        int run() throws Exception {
            Instruction instruction =
                    Instruction.newBuilder()
                            .setInstructionId(id)
                            .setText(text)
                            .setActive(true)
                            .setStreamIds(new ArrayList<>(streams))
                            .setStreamGlob(streamGlob)
                            .setMaxEvidenceFrames(evidence)
                            .setScoreThreshold(threshold)
                            .setCaptionPrompt(prompt)
                            .setUpdatedAtMicros(System.currentTimeMillis() * 1_000L)
                            .build();
            validate(instruction);
            RecordMetadata sent = send(id, instruction);
            print("published instruction '" + id + "' at " + where(sent) + ":");
            print(RecordFormat.instruction(instruction, ZoneId.systemDefault()));
            return 0;
        }
    }

    /** {@code instruct retire}: a tombstone, or with {@code --inactive} an inactive record. */
    @Command(
            name = "retire",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {
                "Retire an instruction: publish a tombstone for its id (compaction then forgets"
                        + " it), or with --inactive a record with active=false (kept in the log).",
                ""
            })
    static final class Retire extends Base {

        @Parameters(index = "0", paramLabel = "ID", description = "Instruction id.")
        String id;

        @Option(names = "--inactive", description = "Publish active=false instead of a tombstone.")
        boolean inactive;

        @Override
        int run() throws Exception {
            Instruction record = null;
            if (inactive) {
                record =
                        Instruction.newBuilder()
                                .setInstructionId(id)
                                .setText("")
                                .setActive(false)
                                .setUpdatedAtMicros(System.currentTimeMillis() * 1_000L)
                                .build();
            }
            if (id.isBlank()) {
                throw new ParameterException(
                        spec.commandLine(), "Invalid instruction: instructionId is blank");
            }
            if (record != null) {
                validate(record);
            }
            RecordMetadata sent = send(id, record);
            print(
                    "retired instruction '"
                            + id
                            + "' ("
                            + (inactive ? "active=false" : "tombstone")
                            + " at "
                            + where(sent)
                            + ")");
            return 0;
        }
    }

    /** {@code instruct list}: reads the topic to its end and prints what is in force. */
    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {
                "Print the active instructions: the topic read to its end (committed records"
                        + " only), the latest record per id, retired ones left out.",
                ""
            })
    static final class ListCommand extends Base {

        @Override
        int run() throws Exception {
            List<TopicPartition> partitions =
                    KafkaTopicsCheck.partitions(kafka.admin(), List.of(topic), kafka.timeout);
            AvroCodec<Instruction> codec = AvroCodec.of(Instruction.class);
            ActiveInstructions state = new ActiveInstructions();
            int unreadable = 0;
            try (KafkaConsumer<String, byte[]> consumer =
                    new KafkaConsumer<>(
                            kafka.consumer("vlstream-instruct-list", true),
                            new StringDeserializer(),
                            new ByteArrayDeserializer())) {
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions));
                long deadline = System.nanoTime() + kafka.timeout.toNanos();
                while (!reachedEnd(consumer, ends)) {
                    if (System.nanoTime() > deadline) {
                        throw new UserError(
                                "Could not read "
                                        + topic
                                        + " to its end within "
                                        + Durations.show(kafka.timeout));
                    }
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        try {
                            state.apply(
                                    r.key(), r.value() == null ? null : codec.decode(r.value()));
                        } catch (AvroDecodeException e) {
                            unreadable++;
                            spec.commandLine()
                                    .getErr()
                                    .println(
                                            "skipped an unreadable record at "
                                                    + r.topic()
                                                    + "/"
                                                    + r.partition()
                                                    + "@"
                                                    + r.offset()
                                                    + ": "
                                                    + e.getMessage());
                        }
                    }
                }
            }
            List<Instruction> active = state.active();
            print(
                    active.size()
                            + " active instruction"
                            + (active.size() == 1 ? "" : "s")
                            + " on "
                            + topic
                            + (unreadable > 0 ? " (" + unreadable + " unreadable records)" : "")
                            + (active.isEmpty() ? "" : ":"));
            for (Instruction instruction : active) {
                print(RecordFormat.instruction(instruction, ZoneId.systemDefault()));
            }
            return 0;
        }

        private static boolean reachedEnd(
                KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> ends) {
            for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
                if (consumer.position(end.getKey()) < end.getValue()) {
                    return false;
                }
            }
            return true;
        }
    }
}
