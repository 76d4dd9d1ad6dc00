package io.vlstream.local;

import io.vlstream.avro.AlignmentScore;
import io.vlstream.avro.DeadLetter;
import io.vlstream.avro.GroundedCaption;
import io.vlstream.avro.Instruction;
import io.vlstream.avro.TimedText;
import io.vlstream.avro.VideoFrame;
import io.vlstream.jobs.JobSettings;
import io.vlstream.jobs.KafkaOptions;
import io.vlstream.jobs.VlstreamJob;
import io.vlstream.jobs.VlstreamJobMain;
import io.vlstream.serde.AvroKafkaSerializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * vlstream on one machine: a real Kafka broker (KRaft, in this JVM) with vlstream's topics, the job
 * on a Flink MiniCluster, and producers for frames, instructions and texts. Used by {@code vlstream
 * demo}, {@code vlstream bench} and the integration tests.
 */
public final class LocalVlstream implements AutoCloseable {

    private volatile EmbeddedKafkaBroker broker;
    private final JobSettings settings;
    private final KafkaProducer<String, VideoFrame> frames;
    private final KafkaProducer<String, Instruction> instructions;
    private final KafkaProducer<String, TimedText> texts;
    private final Admin admin;
    private final Path checkpoints;
    private volatile JobClient job;

    private LocalVlstream(EmbeddedKafkaBroker broker, JobSettings settings, int partitions) {
        this.broker = broker;
        this.settings = settings;
        this.admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                broker.bootstrapServers()));
        settings.kafka().topics().createIfMissing(admin, partitions);
        try {
            this.checkpoints = Files.createTempDirectory("vlstream-checkpoints-");
        } catch (IOException e) {
            admin.close();
            throw new UncheckedIOException("Cannot create a checkpoint directory", e);
        }
        this.frames = producer(VideoFrame.class);
        this.instructions = producer(Instruction.class);
        this.texts = producer(TimedText.class);
    }

    /**
     * Starts a broker and creates the topics.
     *
     * @param conf vlstream settings; the bootstrap servers are set to the new broker's
     * @param partitions partitions of the data topics
     */
    public static LocalVlstream start(Configuration conf, int partitions) throws IOException {
        // A data folder of its own (deleted on close), kept across restartBroker.
        EmbeddedKafkaBroker broker =
                EmbeddedKafkaBroker.builder()
                        .withDataDir(Files.createTempDirectory("vlstream-kafka-"))
                        .start();
        Configuration withBroker = new Configuration(conf);
        withBroker.set(KafkaOptions.BOOTSTRAP_SERVERS, broker.bootstrapServers());
        try {
            return new LocalVlstream(broker, JobSettings.from(withBroker), partitions);
        } catch (RuntimeException e) {
            broker.close();
            EmbeddedKafkaBroker.deleteRecursively(broker.dataDir());
            throw e;
        }
    }

    public JobSettings settings() {
        return settings;
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /**
     * Stops the broker, waits {@code down}, and starts it again on the same port and data: a broker
     * restart as a rolling restart or a crash gives one. The clients here ride it out (the
     * producers buffer and retry, as a camera's would).
     */
    public void restartBroker(Duration down) throws IOException, InterruptedException {
        EmbeddedKafkaBroker stopped = broker;
        stopped.close();
        Thread.sleep(down.toMillis());
        broker =
                EmbeddedKafkaBroker.builder()
                        .withPort(stopped.port())
                        .withControllerPort(stopped.controllerPort())
                        .withDataDir(stopped.dataDir())
                        .start();
    }

    /**
     * Submits the Kafka job (built-in detector) to {@code env} and waits until it runs. Checkpoints
     * go to a temporary directory (filesystem storage, deleted on {@link #close}): the default, the
     * JobManager's memory, refuses state handles over 5 MB, and then no checkpoint completes and
     * read_committed readers see nothing.
     */
    public JobClient submit(
            StreamExecutionEnvironment env, UnaryOperator<VlstreamJob.Builder> customize)
            throws Exception {
        Configuration storage = new Configuration();
        storage.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        storage.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        env.configure(storage);
        VlstreamJob.configure(env, settings);
        VlstreamJob.Builder builder = VlstreamJobMain.kafkaJobBuilder(settings);
        customize.apply(builder).build().addTo(env);
        JobClient client = env.executeAsync("vlstream");
        awaitRunning(client, Duration.ofMinutes(3));
        job = client;
        return client;
    }

    private static void awaitRunning(JobClient client, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JobStatus status = client.getJobStatus().get(10, TimeUnit.SECONDS);
            if (status == JobStatus.RUNNING) {
                return;
            }
            if (status.isGloballyTerminalState()) {
                client.getJobExecutionResult().get(10, TimeUnit.SECONDS);
                throw new IllegalStateException("The job ended before it ran: " + status);
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("The job did not reach RUNNING within " + timeout);
    }

    /**
     * Publishes an instruction (or, with {@code instruction == null}, a tombstone for {@code id})
     * and waits until every operator has it: the instructions source commits its offsets only when
     * a checkpoint completes, and an aligned checkpoint completes only after every operator has
     * processed what came before its barrier.
     */
    public void applyInstruction(String id, Instruction instruction, Duration timeout)
            throws Exception {
        RecordMetadata sent =
                instructions
                        .send(
                                new ProducerRecord<>(
                                        settings.kafka().topics().instructions(), id, instruction))
                        .get(30, TimeUnit.SECONDS);
        TopicPartition partition = new TopicPartition(sent.topic(), sent.partition());
        String group = settings.kafka().groupId() + "-instructions";
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(group)
                            .partitionsToOffsetAndMetadata()
                            .get(10, TimeUnit.SECONDS);
            OffsetAndMetadata offset = committed.get(partition);
            if (offset != null && offset.offset() > sent.offset()) {
                return;
            }
            checkJobAlive();
            Thread.sleep(100);
        }
        throw new IllegalStateException(
                "Instruction '" + id + "' was not applied by the job within " + timeout);
    }

    /**
     * Waits until the job has processed every frame published so far: the frames source's committed
     * offsets (committed when a checkpoint completes) reach the topic's end offsets.
     */
    public void awaitFramesProcessed(Duration timeout) throws Exception {
        String topic = settings.kafka().topics().frames();
        String group = settings.kafka().groupId() + "-frames";
        Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(List.of(topic))
                .allTopicNames()
                .get(10, TimeUnit.SECONDS)
                .get(topic)
                .partitions()
                .forEach(
                        p ->
                                latest.put(
                                        new TopicPartition(topic, p.partition()),
                                        org.apache.kafka.clients.admin.OffsetSpec.latest()));
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(latest)
                .all()
                .get(10, TimeUnit.SECONDS)
                .forEach((tp, info) -> ends.put(tp, info.offset()));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(group)
                            .partitionsToOffsetAndMetadata()
                            .get(10, TimeUnit.SECONDS);
            boolean done =
                    ends.entrySet().stream()
                            .allMatch(
                                    e -> {
                                        OffsetAndMetadata c = committed.get(e.getKey());
                                        return e.getValue() == 0
                                                || (c != null && c.offset() >= e.getValue());
                                    });
            if (done) {
                return;
            }
            checkJobAlive();
            Thread.sleep(100);
        }
        throw new IllegalStateException(
                "The job did not process the published frames within " + timeout);
    }

    /** Reads the captions the job commits, from the beginning; {@code onRecord} may be null. */
    public TopicReader<GroundedCaption> readCaptions(Consumer<GroundedCaption> onRecord) {
        return new TopicReader<>(
                bootstrapServers(),
                settings.kafka().topics().captions(),
                GroundedCaption.class,
                onRecord);
    }

    /** Reads the alignment scores the job commits, from the beginning. */
    public TopicReader<AlignmentScore> readScores(Consumer<AlignmentScore> onRecord) {
        return new TopicReader<>(
                bootstrapServers(),
                settings.kafka().topics().scores(),
                AlignmentScore.class,
                onRecord);
    }

    /** Reads the dead letters the job commits, from the beginning. */
    public TopicReader<DeadLetter> readDeadLetters(Consumer<DeadLetter> onRecord) {
        return new TopicReader<>(
                bootstrapServers(), settings.kafka().topics().dlq(), DeadLetter.class, onRecord);
    }

    /** Fails fast, with the job's own error, when the submitted job has ended. */
    public void checkJobAlive() throws Exception {
        JobClient client = job;
        if (client == null) {
            return;
        }
        JobStatus status = client.getJobStatus().get(10, TimeUnit.SECONDS);
        if (status.isGloballyTerminalState()) {
            try {
                client.getJobExecutionResult().get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(
                        "The vlstream job " + status.name().toLowerCase(), e.getCause());
            }
            throw new IllegalStateException("The vlstream job ended: " + status);
        }
    }

    /** Publishes frames (keyed by stream id) and waits for the broker's acknowledgements. */
    public void publishFrames(List<VideoFrame> batch) throws Exception {
        for (VideoFrame frame : batch) {
            frames.send(
                    new ProducerRecord<>(
                            settings.kafka().topics().frames(), frame.getStreamId(), frame));
        }
        frames.flush();
    }

    /** Publishes one frame without waiting. */
    public void publishFrame(VideoFrame frame) {
        frames.send(
                new ProducerRecord<>(
                        settings.kafka().topics().frames(), frame.getStreamId(), frame));
    }

    public void flushFrames() {
        frames.flush();
    }

    /** Publishes raw bytes to the frames topic, as a broken producer would. */
    public void publishRawFrame(String key, byte[] value) throws Exception {
        publishRaw(
                settings.kafka().topics().frames(),
                key == null ? null : key.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                value);
    }

    /**
     * Publishes raw bytes (key and value may be null) to any topic, as a broken or hostile producer
     * would, and returns where the broker put them.
     */
    public RecordMetadata publishRaw(String topic, byte[] key, byte[] value) throws Exception {
        return publishRaw(List.of(new ProducerRecord<>(topic, key, value))).get(0);
    }

    /** Publishes raw records in order and returns where the broker put each. */
    public List<RecordMetadata> publishRaw(List<ProducerRecord<byte[], byte[]>> records)
            throws Exception {
        var bytes = new org.apache.kafka.common.serialization.ByteArraySerializer();
        try (KafkaProducer<byte[], byte[]> raw =
                new KafkaProducer<>(producerProps(), bytes, bytes)) {
            List<java.util.concurrent.Future<RecordMetadata>> sent = new java.util.ArrayList<>();
            for (ProducerRecord<byte[], byte[]> record : records) {
                sent.add(raw.send(record));
            }
            List<RecordMetadata> where = new java.util.ArrayList<>();
            for (var future : sent) {
                where.add(future.get(60, TimeUnit.SECONDS));
            }
            return where;
        }
    }

    public void publishText(TimedText text) throws Exception {
        texts.send(
                        new ProducerRecord<>(
                                settings.kafka().topics().texts(), text.getStreamId(), text))
                .get(30, TimeUnit.SECONDS);
    }

    private <T extends org.apache.avro.specific.SpecificRecord> KafkaProducer<String, T> producer(
            Class<T> recordClass) {
        return new KafkaProducer<>(
                producerProps(), new StringSerializer(), new AvroKafkaSerializer<>(recordClass));
    }

    private Properties producerProps() {
        Properties props = new Properties();
        props.putAll(settings.kafka().properties());
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(16 * 1024 * 1024));
        return props;
    }

    @Override
    public void close() {
        frames.close(Duration.ofSeconds(5));
        instructions.close(Duration.ofSeconds(5));
        texts.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
        broker.close();
        EmbeddedKafkaBroker.deleteRecursively(broker.dataDir());
        EmbeddedKafkaBroker.deleteRecursively(checkpoints);
    }
}
