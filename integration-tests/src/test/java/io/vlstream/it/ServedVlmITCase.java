package io.vlstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.avro.DeadLetter;
import io.vlstream.avro.GroundedCaption;
import io.vlstream.avro.Instruction;
import io.vlstream.avro.ModelRef;
import io.vlstream.avro.ReasonCode;
import io.vlstream.jobs.KafkaOptions;
import io.vlstream.jobs.ModelOptions;
import io.vlstream.jobs.SelectionOptions;
import io.vlstream.jobs.VlstreamOptions;
import io.vlstream.local.LocalVlstream;
import io.vlstream.local.TopicReader;
import io.vlstream.model.remote.FakeChatServer;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Captions from a served VLM (a local server speaking the chat-completions wire format over real
 * HTTP, the one stand-in allowed: no VLM can run here). When it fails or hangs, the job keeps
 * running, the failed moments land on the DLQ with their reason, and captions resume when it
 * recovers.
 */
class ServedVlmITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = VlstreamCluster.miniCluster();

    /** The instruction's caption prompt: four words, so the fake server echoes all of them. */
    private static final String PROMPT = "Name everyone you see.";

    @Test
    void captionsComeFromTheServerAndFailuresGoToTheDlqWithoutStoppingTheJob() throws Exception {
        try (FakeChatServer server = FakeChatServer.start("fake-vlm")) {
            Configuration conf = new Configuration();
            conf.set(KafkaOptions.GROUP_ID, "served-vlm-it");
            conf.set(KafkaOptions.TRANSACTIONAL_ID_PREFIX, "served-vlm-it");
            conf.set(VlstreamOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(500));
            conf.set(SelectionOptions.QUIET_TIMEOUT, Duration.ofSeconds(2));
            conf.set(
                    ModelOptions.MODEL_CAPTIONER,
                    "openai:"
                            + server.baseUrl()
                            + "?model=fake-vlm&timeout=2s&total-timeout=4s&retries=1"
                            + "&circuit-failures=100");
            try (LocalVlstream local = LocalVlstream.start(conf, VlstreamCluster.PARALLELISM);
                    TopicReader<GroundedCaption> captions = local.readCaptions(null);
                    TopicReader<DeadLetter> dlq = local.readDeadLetters(null)) {
                JobClient job = local.submit(VlstreamCluster.env(), b -> b);
                Instruction people = VlstreamCluster.instruction("people", "a person");
                people.setCaptionPrompt(PROMPT);
                local.applyInstruction("people", people, VlstreamCluster.APPLY_TIMEOUT);

                // 1. The server answers: the caption is its text, grounded, with its lineage, and
                // the server was asked the instruction's own caption prompt.
                server.captions();
                local.publishFrames(VlstreamCluster.vtest("cam-ok", 30));
                List<GroundedCaption> ok =
                        captions.await(c -> !c.isEmpty(), VlstreamCluster.OUTPUT_TIMEOUT);
                assertThat(ok).isNotEmpty();
                assertThat(ok.get(0).getCaption())
                        .startsWith("images=")
                        .endsWith("; prompt=Name everyone you see.");
                assertThat(server.requests().get(0).toString())
                        .contains("a person")
                        .contains(PROMPT);
                assertThat(ok.get(0).getModels())
                        .filteredOn(m -> m.getRole().equals("captioner"))
                        .extracting(ModelRef::getId)
                        .containsExactly("fake-vlm");
                assertThat(server.requests()).isNotEmpty();

                // 2. It fails with 500s: the moment is dead-lettered, the job keeps running.
                server.failAlways(500);
                local.publishFrames(VlstreamCluster.vtest("cam-500", 30));
                List<DeadLetter> failed =
                        dlq.await(d -> !d.isEmpty(), VlstreamCluster.OUTPUT_TIMEOUT);
                assertThat(failed)
                        .isNotEmpty()
                        .allSatisfy(
                                d -> {
                                    assertThat(d.getReason()).isEqualTo(ReasonCode.CAPTION_FAILURE);
                                    assertThat(d.getStreamId()).isEqualTo("cam-500");
                                    assertThat(d.getMessage()).contains("TRANSIENT_EXHAUSTED");
                                });

                // 3. It hangs: the moment times out into the DLQ, the job keeps running.
                server.hang();
                local.publishFrames(VlstreamCluster.vtest("cam-hang", 30));
                List<DeadLetter> timedOut =
                        dlq.await(
                                d -> d.stream().anyMatch(x -> "cam-hang".equals(x.getStreamId())),
                                VlstreamCluster.OUTPUT_TIMEOUT);
                assertThat(timedOut)
                        .filteredOn(d -> "cam-hang".equals(d.getStreamId()))
                        .isNotEmpty()
                        .allSatisfy(d -> assertThat(d.getMessage()).contains("TIMEOUT"));
                assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);

                // 4. It recovers: captions resume.
                server.captions();
                local.publishFrames(VlstreamCluster.vtest("cam-back", 30));
                List<GroundedCaption> after =
                        captions.await(
                                c -> c.stream().anyMatch(x -> x.getStreamId().equals("cam-back")),
                                VlstreamCluster.OUTPUT_TIMEOUT);
                job.cancel().get();
                assertThat(after).anyMatch(c -> c.getStreamId().equals("cam-back"));
                assertThat(after).noneMatch(c -> c.getStreamId().equals("cam-500"));
                assertThat(after).noneMatch(c -> c.getStreamId().equals("cam-hang"));
            }
        }
    }
}
