package io.vlstream.it;

import io.vlstream.avro.Instruction;
import io.vlstream.avro.VideoFrame;
import io.vlstream.fetch.SampleMedia;
import io.vlstream.jobs.KafkaOptions;
import io.vlstream.jobs.SelectionOptions;
import io.vlstream.jobs.VlstreamOptions;
import io.vlstream.local.LocalVlstream;
import io.vlstream.media.VideoFileFrames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** What every integration test shares: a real MiniCluster, a real broker, real frames. */
final class VlstreamCluster {

    static final int PARALLELISM = 2;

    /** Frames of vtest.avi, decoded once per JVM (stream id and pts are rewritten per test). */
    private static final Map<Integer, List<VideoFrame>> FRAMES = new ConcurrentHashMap<>();

    private VlstreamCluster() {}

    static MiniClusterExtension miniCluster() {
        return new MiniClusterExtension(
                new MiniClusterResourceConfiguration.Builder()
                        .setNumberTaskManagers(1)
                        .setNumberSlotsPerTaskManager(PARALLELISM)
                        .build());
    }

    /** A broker with vlstream's topics, for one test class. */
    static LocalVlstream broker(String groupId) throws java.io.IOException {
        Configuration conf = new Configuration();
        conf.set(KafkaOptions.GROUP_ID, groupId);
        conf.set(KafkaOptions.TRANSACTIONAL_ID_PREFIX, groupId);
        conf.set(VlstreamOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(500));
        conf.set(SelectionOptions.QUIET_TIMEOUT, Duration.ofSeconds(2));
        return LocalVlstream.start(conf, PARALLELISM);
    }

    /** The test environment, with generic types off so nothing falls back to Kryo. */
    static StreamExecutionEnvironment env() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(500));
        env.configure(conf);
        env.setParallelism(PARALLELISM);
        return env;
    }

    /** The first {@code count} frames of vtest.avi as stream {@code streamId}, pts from now. */
    static List<VideoFrame> vtest(String streamId, int count) throws Exception {
        List<VideoFrame> frames = FRAMES.computeIfAbsent(count, VlstreamCluster::readVtest);
        long base = System.currentTimeMillis() * 1_000;
        long first = frames.get(0).getPtsMicros();
        List<VideoFrame> copy = new ArrayList<>();
        for (VideoFrame frame : frames) {
            copy.add(
                    VideoFrame.newBuilder(frame)
                            .setStreamId(streamId)
                            .setPtsMicros(base + frame.getPtsMicros() - first)
                            .build());
        }
        return copy;
    }

    private static List<VideoFrame> readVtest(int count) {
        List<VideoFrame> frames = new ArrayList<>();
        try (VideoFileFrames video =
                VideoFileFrames.builder()
                        .setFile(SampleMedia.vtestAvi())
                        .withStreamId("vtest")
                        .withMaxFrames(count)
                        .open()) {
            video.forEachRemaining(frames::add);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot read vtest.avi", e);
        }
        return frames;
    }

    static Instruction instruction(String id, String text) {
        return Instruction.newBuilder()
                .setInstructionId(id)
                .setText(text)
                .setUpdatedAtMicros(System.currentTimeMillis() * 1_000)
                .build();
    }

    static final Duration APPLY_TIMEOUT = Duration.ofMinutes(2);
    static final Duration OUTPUT_TIMEOUT = Duration.ofMinutes(4);
}
