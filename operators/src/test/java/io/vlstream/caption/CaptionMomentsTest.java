package io.vlstream.caption;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vlstream.avro.GroundedCaption;
import io.vlstream.avro.ModelRef;
import io.vlstream.avro.MomentStatus;
import io.vlstream.avro.internal.CaptionFailureReason;
import io.vlstream.avro.internal.CaptionOutcome;
import io.vlstream.avro.internal.ScoredFrame;
import io.vlstream.avro.internal.SelectedMoment;
import io.vlstream.fetch.SampleMedia;
import io.vlstream.instruction.InstructionCompiler;
import io.vlstream.model.CocoLabels;
import io.vlstream.model.remote.CaptionPrompt;
import io.vlstream.model.remote.ChatEndpoint;
import io.vlstream.model.remote.FakeChatServer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.apache.flink.api.common.functions.DefaultOpenContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.async.CollectionSupplier;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.util.MockStreamingRuntimeContext;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link CaptionMoments} with a {@link ServedCaptioner}, in a real MiniCluster job against a real
 * HTTP server speaking the chat-completions format: captions come from the server, asked with each
 * moment's caption prompt; a failing or hanging server gives failure outcomes, a finished job
 * (restarts are off, so an exception would fail it) and a bounded number of requests open at once.
 */
class CaptionMomentsTest {

    private static final int PARALLELISM = 2;
    private static final String MODEL = "fake-vlm";

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(PARALLELISM)
                            .build());

    /** Real photos from opencv-doc: messi5.jpg, two JPEG crops of it, basketball1.png. */
    private static List<ScoredFrame> images;

    private FakeChatServer server;

    @BeforeAll
    static void samples() throws IOException {
        byte[] jpeg = Files.readAllBytes(SampleMedia.file("messi5.jpg"));
        byte[] png = Files.readAllBytes(SampleMedia.file("basketball1.png"));
        BufferedImage photo = ImageIO.read(new java.io.ByteArrayInputStream(jpeg));
        images =
                List.of(
                        image(0, "image/jpeg", jpeg),
                        image(1, "image/jpeg", jpegCrop(photo, 0, 0, 300, 200)),
                        image(2, "image/png", png),
                        image(3, "image/jpeg", jpegCrop(photo, 200, 100, 300, 200)));
    }

    private static byte[] jpegCrop(BufferedImage photo, int x, int y, int w, int h)
            throws IOException {
        BufferedImage crop = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        crop.getGraphics().drawImage(photo.getSubimage(x, y, w, h), 0, 0, null);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(crop, "jpg", out);
        return out.toByteArray();
    }

    /** An evidence frame; later frames score lower, so the captioner sees them in this order. */
    static ScoredFrame image(long sequence, String mediaType, byte[] bytes) {
        return ScoredFrame.newBuilder()
                .setStreamId("cam-0")
                .setInstructionId("walk")
                .setInstructionText("a person walks")
                .setSequence(sequence)
                .setPtsMicros(sequence * 100_000)
                .setWidth(640)
                .setHeight(480)
                .setMediaType(mediaType)
                .setImage(ByteBuffer.wrap(bytes))
                .setScore(0.9f - sequence * 0.1f)
                .setThreshold(0.5f)
                .setMaxEvidenceFrames(4)
                .setContributions(List.of())
                .setDetections(List.of())
                .setUngroundedTerms(List.of())
                .setModels(List.of())
                .setReceivedAtMicros(1)
                .build();
    }

    /** A selected moment of {@code stream} with these evidence frames and caption prompt. */
    static SelectedMoment moment(
            String momentId, String stream, String prompt, List<ScoredFrame> evidence) {
        return SelectedMoment.newBuilder()
                .setMomentId(momentId)
                .setStreamId(stream)
                .setInstructionId("walk")
                .setInstructionText("a person walks")
                .setCaptionPrompt(prompt)
                .setQuery(new InstructionCompiler().compile("a person walks"))
                .setStatus(MomentStatus.FINAL)
                .setStartMicros(0)
                .setEndMicros(300_000)
                .setFrameCount(4)
                .setPeakScore(0.9f)
                .setMaxEvidenceFrames(4)
                .setEvidence(evidence)
                .setLastReceivedAtMicros(1)
                .build();
    }

    /** Moment {@code i} carries {@code 1 + i % 4} images and asks "Moment i, describe it". */
    private static List<SelectedMoment> requests(int count) {
        List<SelectedMoment> requests = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            requests.add(
                    moment(
                            "cam-" + (i % 2) + "/walk/" + i,
                            "cam-" + (i % 2),
                            "Moment " + i + ", describe it",
                            images.subList(0, 1 + i % 4)));
        }
        return requests;
    }

    @BeforeEach
    void startServer() throws IOException {
        server = FakeChatServer.start(MODEL);
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private ChatEndpoint.Builder endpoint() {
        return ChatEndpoint.parse("openai:" + server.baseUrl() + "?model=" + MODEL).toBuilder()
                .withBackoff(Duration.ofMillis(20))
                .withMaxBackoff(Duration.ofMillis(50));
    }

    private static List<CaptionOutcome> run(List<SelectedMoment> requests, ChatEndpoint endpoint)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        // No restarts: an exception escaping the operator would fail the job, and the test.
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        env.configure(conf);
        env.setParallelism(PARALLELISM);
        DataStream<SelectedMoment> source =
                env.fromData(requests, new AvroTypeInfo<>(SelectedMoment.class)).rebalance();
        List<CaptionOutcome> outcomes = new ArrayList<>();
        try (var it =
                CaptionMoments.caption(
                                source, CaptionerSetup.served(endpoint, 0.3f, CocoLabels.LABELS))
                        .executeAndCollect()) {
            it.forEachRemaining(outcomes::add);
        }
        return outcomes;
    }

    @Test
    void captionsComeFromTheServedModelWithItsLineage() throws Exception {
        List<SelectedMoment> requests = requests(6);

        List<CaptionOutcome> outcomes = run(requests, endpoint().build());

        Map<String, CaptionOutcome> byMoment =
                outcomes.stream()
                        .collect(
                                Collectors.toMap(CaptionOutcome::getMomentId, Function.identity()));
        assertThat(byMoment).hasSize(6);
        for (SelectedMoment request : requests) {
            CaptionOutcome outcome = byMoment.get(request.getMomentId());
            assertThat(outcome.getFailure()).isNull();
            assertThat(outcome.getStreamId()).isEqualTo(request.getStreamId());
            assertThat(outcome.getInstructionId()).isEqualTo("walk");
            assertThat(outcome.getCaption())
                    .isEqualTo(
                            FakeChatServer.echo(
                                    request.getEvidence().size(), request.getCaptionPrompt()));
            assertThat(outcome.getModel())
                    .isEqualTo(new ModelRef("captioner", MODEL, FakeChatServer.ROOT));
            assertThat(outcome.getLatencyMicros()).isPositive();
        }
        // Every image the server got is one of the frames sent, byte for byte.
        Set<String> sent =
                images.stream()
                        .map(i -> Base64.getEncoder().encodeToString(bytes(i.getImage())))
                        .collect(Collectors.toSet());
        Set<String> received = new HashSet<>();
        int parts = 0;
        for (JsonNode request : server.requests()) {
            for (JsonNode part : request.path("messages").get(1).path("content")) {
                if (part.path("type").asText().equals("image_url")) {
                    String url = part.path("image_url").path("url").asText();
                    received.add(url.substring(url.indexOf(',') + 1));
                    parts++;
                }
            }
        }
        assertThat(parts).isEqualTo(1 + 2 + 3 + 4 + 1 + 2);
        assertThat(received).isEqualTo(sent);
    }

    @Test
    void aMomentsCaptionsLeaveInOrderWhenAnEarlierAnswerIsSlower() throws Exception {
        // The OPEN caption's answer comes a second after the UPDATE's and FINAL's.
        server.slowNext(1, Duration.ofSeconds(1));
        List<SelectedMoment> moments = new ArrayList<>();
        for (MomentStatus status : MomentStatus.values()) {
            SelectedMoment m =
                    moment("cam-0/walk/0", "cam-0", "Describe the " + status + " moment", images);
            m.setStatus(status);
            moments.add(m);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        env.configure(conf);
        env.setParallelism(PARALLELISM);
        DataStream<SelectedMoment> source =
                env.fromData(moments, new AvroTypeInfo<>(SelectedMoment.class));
        List<GroundedCaption> captions = new ArrayList<>();
        try (var it =
                CaptionMoments.caption(
                                source,
                                CaptionerSetup.served(endpoint().build(), 0.3f, CocoLabels.LABELS))
                        .process(new BuildCaptions())
                        .executeAndCollect()) {
            it.forEachRemaining(captions::add);
        }

        assertThat(captions)
                .extracting(GroundedCaption::getStatus)
                .containsExactly(MomentStatus.OPEN, MomentStatus.UPDATE, MomentStatus.FINAL);
        // Each caption is the server's answer to that caption's own prompt.
        assertThat(captions)
                .extracting(GroundedCaption::getCaption)
                .containsExactly(
                        FakeChatServer.echo(4, "Describe the OPEN moment"),
                        FakeChatServer.echo(4, "Describe the UPDATE moment"),
                        FakeChatServer.echo(4, "Describe the FINAL moment"));
        assertThat(captions.get(0).getModels())
                .contains(new ModelRef("captioner", MODEL, FakeChatServer.ROOT));
    }

    @Test
    void aFailingServerGivesFailureOutcomesAndTheJobFinishes() throws Exception {
        server.failAlways(500);

        List<CaptionOutcome> outcomes =
                run(
                        requests(8),
                        // One call at a time per subtask: the first calls exhaust their retries
                        // before the circuit opens, whatever the timing.
                        endpoint()
                                .withRetries(1)
                                .withCircuitFailures(4)
                                .withMaxInFlight(1)
                                .build());

        assertThat(outcomes).hasSize(8);
        assertThat(outcomes).allSatisfy(o -> assertThat(o.getCaption()).isNull());
        assertThat(outcomes)
                .extracting(o -> o.getFailure().getReason())
                .containsOnly(
                        CaptionFailureReason.TRANSIENT_EXHAUSTED, CaptionFailureReason.CIRCUIT_OPEN)
                .contains(CaptionFailureReason.TRANSIENT_EXHAUSTED);
        assertThat(outcomes)
                .filteredOn(
                        o -> o.getFailure().getReason() == CaptionFailureReason.TRANSIENT_EXHAUSTED)
                .allSatisfy(
                        o -> {
                            assertThat(o.getFailure().getMessage()).contains("HTTP 500");
                            assertThat(o.getFailure().getAttempts()).isEqualTo(2);
                        });
        // 8 requests, each sent at most twice; the open circuit spares the server some of them.
        assertThat(server.chatRequestCount()).isLessThanOrEqualTo(16);
    }

    @Test
    void aHangingServerTimesOutWithABoundedBacklogAndTheJobFinishes() throws Exception {
        server.hang();
        int maxInFlight = 2;
        ChatEndpoint endpoint =
                endpoint()
                        .withMaxInFlight(maxInFlight)
                        .withTimeout(Duration.ofMillis(300))
                        .withRetries(0)
                        .withTotalTimeout(Duration.ofSeconds(1))
                        .withCircuitFailures(1_000)
                        .build();

        long start = System.nanoTime();
        List<CaptionOutcome> outcomes = run(requests(10), endpoint);

        assertThat(outcomes).hasSize(10);
        assertThat(outcomes)
                .allSatisfy(
                        o -> {
                            assertThat(o.getFailure().getReason())
                                    .isEqualTo(CaptionFailureReason.TIMEOUT);
                            assertThat(o.getFailure().getMessage())
                                    .contains("no answer within timeout=300ms");
                        });
        assertThat(server.chatRequestCount()).isEqualTo(10);
        // The backlog is bounded: at most max-in-flight calls per subtask are open, and each
        // stays open for its 300 ms timeout, so no 5 requests (4 + 1) can reach the server within
        // 300 ms of each other. (The server's own count of open requests cannot show it: a hung
        // handler does not notice that the client gave up.) Unbounded, all 10 would arrive at once.
        int open = maxInFlight * PARALLELISM;
        List<Long> arrivals = server.requestNanos().stream().sorted().toList();
        for (int i = 0; i + open < arrivals.size(); i++) {
            assertThat(Duration.ofNanos(arrivals.get(i + open) - arrivals.get(i)))
                    .as("arrivals %d to %d", i, i + open)
                    .isGreaterThan(Duration.ofMillis(200));
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(60));
    }

    @Test
    void flinksOwnTimeoutAndARefusedCallBecomeOutcomesToo() throws Exception {
        server.slow(Duration.ofSeconds(2));
        CaptionMoments function =
                new CaptionMoments(
                        CaptionerSetup.served(
                                endpoint().withMaxInFlight(1).build(), 0.3f, CocoLabels.LABELS));
        function.setRuntimeContext(new MockStreamingRuntimeContext(1, 0));
        function.open(DefaultOpenContext.INSTANCE);
        try {
            SelectedMoment request = requests(1).get(0);
            Collecting first = new Collecting();
            Collecting second = new Collecting();
            Collecting timedOut = new Collecting();

            function.asyncInvoke(request, first);
            function.asyncInvoke(request, second);
            function.timeout(request, timedOut);

            CaptionOutcome busy = second.outcome.get(5, TimeUnit.SECONDS);
            assertThat(busy.getFailure().getReason()).isEqualTo(CaptionFailureReason.BUSY);
            assertThat(busy.getFailure().getAttempts()).isZero();
            CaptionOutcome timeout = timedOut.outcome.get(5, TimeUnit.SECONDS);
            assertThat(timeout.getFailure().getReason()).isEqualTo(CaptionFailureReason.TIMEOUT);
            assertThat(timeout.getFailure().getMessage()).contains("the caption stage's timeout");
            assertThat(timeout.getMomentId()).isEqualTo(request.getMomentId());
            assertThat(first.outcome.get(10, TimeUnit.SECONDS).getCaption())
                    .isEqualTo(FakeChatServer.echo(1, "Moment 0, describe it"));
            assertThat(server.chatRequestCount()).isEqualTo(1);
        } finally {
            function.close();
        }
    }

    @Test
    void theClientsQuestionCarriesTheMomentsImagesMostRelevantFirst() {
        SelectedMoment request = requests(4).get(3);
        // Selection hands evidence over in pts order; the model sees the best first.
        List<ScoredFrame> ptsOrder = new ArrayList<>(request.getEvidence());
        ptsOrder.set(0, ScoredFrame.newBuilder(ptsOrder.get(0)).setScore(0.55f).build());
        request.setEvidence(ptsOrder);

        CaptionPrompt prompt = ServedCaptioner.prompt(request);

        assertThat(prompt.instruction()).isEqualTo("a person walks");
        assertThat(prompt.prompt()).isEqualTo("Moment 3, describe it");
        assertThat(prompt.images())
                .extracting(CaptionPrompt.Image::mediaType)
                .containsExactly("image/jpeg", "image/png", "image/jpeg", "image/jpeg");
        assertThat(prompt.images().get(0).bytes()).isEqualTo(bytes(images.get(1).getImage()));
        assertThat(prompt.images().get(1).bytes()).isEqualTo(bytes(images.get(2).getImage()));
        assertThat(prompt.images().get(3).bytes()).isEqualTo(bytes(images.get(0).getImage()));
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /** A ResultFuture that keeps the one outcome it is given. */
    private static final class Collecting implements ResultFuture<CaptionOutcome> {
        final CompletableFuture<CaptionOutcome> outcome = new CompletableFuture<>();

        @Override
        public void complete(Collection<CaptionOutcome> result) {
            assertThat(result).hasSize(1);
            outcome.complete(result.iterator().next());
        }

        @Override
        public void completeExceptionally(Throwable error) {
            outcome.completeExceptionally(
                    new AssertionError("the function must never fail the job", error));
        }

        @Override
        public void complete(CollectionSupplier<CaptionOutcome> supplier) {
            try {
                complete(supplier.get());
            } catch (Exception e) {
                outcome.completeExceptionally(e);
            }
        }
    }
}
