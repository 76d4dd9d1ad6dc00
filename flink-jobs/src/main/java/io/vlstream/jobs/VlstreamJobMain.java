package io.vlstream.jobs;

import io.vlstream.analysis.DetectorFactory;
import io.vlstream.kafka.KafkaIo;
import io.vlstream.model.DetectorSettings;
import io.vlstream.model.builtin.BuiltinModels;
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

    /** The job on Kafka with the built-in detector. */
    public static VlstreamJob kafkaJob(JobSettings settings) {
        return VlstreamJob.builder()
                .setSettings(settings)
                .setDetectorFactory(builtinDetector(settings))
                .setFrameSource(KafkaIo.frames(settings))
                .setInstructionSource(KafkaIo.instructions(settings))
                .setTextSource(KafkaIo.texts(settings))
                .setCaptionSink(KafkaIo.captions(settings))
                .setScoreSink(KafkaIo.scores(settings))
                .setDeadLetterSink(KafkaIo.deadLetters(settings))
                .build();
    }

    /** The built-in COCO detector, fetched and converted on first use where the task runs. */
    public static DetectorFactory builtinDetector(JobSettings settings) {
        // The detector keeps everything from 0.2 (the model's own cut-off) in the analysis;
        // vlstream.detector.min-score applies when frames are scored.
        int threads = settings.detectorThreads();
        return () ->
                BuiltinModels.cocoCenterNet(
                        DetectorSettings.defaults().withIntraOpThreads(threads));
    }
}
