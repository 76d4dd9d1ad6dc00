package io.vlstream.jobs;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;

/**
 * Entry point of the job jar on a Flink cluster: {@code flink run vlstream-flink-jobs-*-job.jar
 * --vlstream.kafka.bootstrap-servers kafka:9092 ...}; every {@link VlstreamOptions} key can be
 * given as {@code --key value} or in Flink's config.yaml (arguments win).
 */
public final class VlstreamJobMain {

    private VlstreamJobMain() {}

    public static void main(String[] args) throws Exception {
        Configuration arguments = Configuration.fromMap(ParameterTool.fromArgs(args).toMap());
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(arguments);
        JobSettings settings =
                JobSettings.from(jobConfiguration(env.getConfiguration(), arguments));
        VlstreamJob.configure(env, settings);
        kafkaJob(settings).addTo(env);
        env.execute("vlstream");
    }

    /**
     * The cluster's configuration (its config.yaml: on Kubernetes, the FlinkDeployment's
     * flinkConfiguration) with the program arguments on top: vlstream.* keys work in either place.
     */
    static Configuration jobConfiguration(ReadableConfig cluster, Configuration arguments) {
        Configuration conf = Configuration.fromMap(cluster.toMap());
        conf.addAll(arguments);
        return conf;
    }

    /** The job on Kafka with the configured models. */
    public static VlstreamJob kafkaJob(JobSettings settings) {
        return kafkaJobBuilder(settings).build();
    }

    /** The job's builder with Kafka sources and sinks and the configured models plugged in. */
    public static VlstreamJob.Builder kafkaJobBuilder(JobSettings settings) {
        return VlstreamJob.builder()
                .setSettings(settings)
                .setDetectorFactory(settings.models().detectorFactory())
                .setFrameSource(KafkaIo.frames(settings))
                .setInstructionSource(KafkaIo.instructions(settings))
                .setTextSource(KafkaIo.texts(settings))
                .setCaptionSink(KafkaIo.captions(settings))
                .setScoreSink(KafkaIo.scores(settings))
                .setDeadLetterSink(KafkaIo.deadLetters(settings));
    }
}
