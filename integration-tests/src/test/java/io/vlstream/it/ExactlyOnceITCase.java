package io.vlstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.avro.GroundedCaption;
import io.vlstream.local.LocalVlstream;
import io.vlstream.local.TopicReader;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A task failure after a checkpoint: read_committed consumers still see each caption once. */
class ExactlyOnceITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = VlstreamCluster.miniCluster();

    private static final List<String> STREAMS = List.of("cam-a", "cam-b", "cam-c", "cam-d");

    /** Throws once, on the first caption after a checkpoint has completed. */
    static final class FailOnceAfterCheckpoint
            implements MapFunction<GroundedCaption, GroundedCaption>, CheckpointListener {
        static final AtomicBoolean CHECKPOINTED = new AtomicBoolean();
        static final AtomicBoolean FAILED = new AtomicBoolean();

        @Override
        public GroundedCaption map(GroundedCaption caption) {
            if (CHECKPOINTED.get() && FAILED.compareAndSet(false, true)) {
                throw new RuntimeException("injected failure after a checkpoint");
            }
            return caption;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            CHECKPOINTED.set(true);
        }
    }

    @Test
    void captionsAreCommittedExactlyOnceAcrossATaskFailure() throws Exception {
        try (LocalVlstream local = VlstreamCluster.broker("exactly-once-it");
                TopicReader<GroundedCaption> captions = local.readCaptions(null)) {
            JobClient job =
                    local.submit(
                            VlstreamCluster.env(),
                            b -> b.withBeforeCaptionSink(new FailOnceAfterCheckpoint()));
            local.applyInstruction(
                    "people",
                    VlstreamCluster.instruction("people", "a person"),
                    VlstreamCluster.APPLY_TIMEOUT);
            for (String stream : STREAMS) {
                local.publishFrames(VlstreamCluster.vtest(stream, 40));
            }
            List<GroundedCaption> all =
                    captions.await(
                            c ->
                                    c.stream().map(GroundedCaption::getStreamId).distinct().count()
                                            == STREAMS.size(),
                            VlstreamCluster.OUTPUT_TIMEOUT);
            Thread.sleep(4_000);
            all = captions.records();
            job.cancel().get();

            assertThat(FailOnceAfterCheckpoint.FAILED).isTrue();
            assertThat(all).extracting(GroundedCaption::getStreamId).containsAll(STREAMS);
            // A long moment has OPEN/UPDATE captions before its FINAL one: one of each, once.
            assertThat(all)
                    .extracting(
                            c ->
                                    c.getMomentId()
                                            + "/"
                                            + c.getStatus()
                                            + "/"
                                            + c.getMomentEndMicros())
                    .doesNotHaveDuplicates();
        }
    }
}
