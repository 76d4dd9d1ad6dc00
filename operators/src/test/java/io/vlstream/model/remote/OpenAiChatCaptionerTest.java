package io.vlstream.model.remote;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vlstream.fetch.SampleMedia;
import io.vlstream.model.remote.CaptionException.Kind;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link OpenAiChatCaptioner} against a real HTTP server speaking the chat-completions format. */
class OpenAiChatCaptionerTest {

    private static final String MODEL = "fake-vlm";
    private static byte[] jpeg;
    private static byte[] png;

    private FakeChatServer server;
    private final List<OpenAiChatCaptioner> clients = new ArrayList<>();

    @BeforeAll
    static void samples() throws IOException {
        jpeg = Files.readAllBytes(SampleMedia.file("messi5.jpg"));
        png = Files.readAllBytes(SampleMedia.file("basketball1.png"));
    }

    @BeforeEach
    void startServer() throws IOException {
        server = FakeChatServer.start(MODEL);
    }

    @AfterEach
    void stop() {
        clients.forEach(OpenAiChatCaptioner::close);
        server.close();
    }

    /** Fast settings: short backoff so retries do not slow the tests. */
    private ChatEndpoint.Builder endpoint() {
        return ChatEndpoint.parse("openai:" + server.baseUrl() + "?model=" + MODEL).toBuilder()
                .withBackoff(Duration.ofMillis(20))
                .withMaxBackoff(Duration.ofMillis(100));
    }

    private OpenAiChatCaptioner client(ChatEndpoint.Builder endpoint) {
        OpenAiChatCaptioner client = OpenAiChatCaptioner.open(endpoint.build());
        clients.add(client);
        return client;
    }

    private static CaptionPrompt prompt(String instruction) {
        return new CaptionPrompt(
                instruction, null, List.of(new CaptionPrompt.Image(jpeg, "image/jpeg")));
    }

    private static CaptionException failure(CompletableFuture<CaptionResult> call) {
        try {
            CaptionResult result = call.get(30, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure, got " + result);
        } catch (Exception e) {
            return CaptionException.of(e);
        }
    }

    private static CaptionResult success(CompletableFuture<CaptionResult> call) throws Exception {
        return call.get(30, TimeUnit.SECONDS);
    }

    @Test
    void sendsInstructionAndImagesAsDataUrlsAndReadsTheCaption() throws Exception {
        OpenAiChatCaptioner client = client(endpoint().withMaxTokens(64).withTemperature(0.0));
        CaptionPrompt prompt =
                new CaptionPrompt(
                        "a man kicks a ball",
                        "Say who is playing",
                        List.of(
                                new CaptionPrompt.Image(jpeg, "image/jpeg"),
                                new CaptionPrompt.Image(png, "image/png")));

        CaptionResult result = success(client.caption(prompt));

        assertThat(result.caption()).isEqualTo("images=2; prompt=Say who is playing");
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(result.finishReason()).isEqualTo("stop");
        JsonNode request = server.requests().get(0);
        assertThat(request.path("model").asText()).isEqualTo(MODEL);
        assertThat(request.path("max_tokens").asInt()).isEqualTo(64);
        assertThat(request.path("temperature").asDouble()).isEqualTo(0.0);
        assertThat(request.path("stream").asBoolean(true)).isFalse();
        JsonNode messages = request.path("messages");
        assertThat(messages.get(0).path("role").asText()).isEqualTo("system");
        assertThat(messages.get(0).path("content").asText())
                .isEqualTo(ChatEndpoint.DEFAULT_SYSTEM_PROMPT);
        JsonNode content = messages.get(1).path("content");
        assertThat(messages.get(1).path("role").asText()).isEqualTo("user");
        assertThat(content.get(0).path("type").asText()).isEqualTo("text");
        assertThat(content.get(0).path("text").asText())
                .startsWith("Say who is playing")
                .endsWith("Instruction: a man kicks a ball");
        assertThat(dataUrl(content.get(1), "image/jpeg")).isEqualTo(jpeg);
        assertThat(dataUrl(content.get(2), "image/png")).isEqualTo(png);
        assertThat(server.authorizations()).containsExactly("");
    }

    private static byte[] dataUrl(JsonNode part, String mediaType) {
        assertThat(part.path("type").asText()).isEqualTo("image_url");
        String url = part.path("image_url").path("url").asText();
        String prefix = "data:" + mediaType + ";base64,";
        assertThat(url).startsWith(prefix);
        return Base64.getDecoder().decode(url.substring(prefix.length()));
    }

    @Test
    void withoutItsOwnPromptTheInstructionIsAskedWithTheDefaultQuestion() throws Exception {
        CaptionResult result = success(client(endpoint()).caption(prompt("a person walks")));

        assertThat(result.caption())
                .isEqualTo(FakeChatServer.echo(1, CaptionPrompt.DEFAULT_PROMPT));
        assertThat(
                        server.requests()
                                .get(0)
                                .path("messages")
                                .get(1)
                                .path("content")
                                .get(0)
                                .path("text")
                                .asText())
                .endsWith("Instruction: a person walks");
    }

    @Test
    void lineageNamesTheServedModelAndTheVersionTheServerReports() throws Exception {
        OpenAiChatCaptioner client = client(endpoint());
        assertThat(client.model())
                .isEqualTo(new ServedModel("captioner", MODEL, ServedModel.SERVED));

        ServedModel model = client.resolveModel().get(10, TimeUnit.SECONDS);

        assertThat(model).isEqualTo(new ServedModel("captioner", MODEL, FakeChatServer.ROOT));
        assertThat(success(client.caption(prompt("x"))).model()).isEqualTo(model);
    }

    @Test
    void lineageIsServedWhenTheServerDoesNotListTheModelAndConfiguredVersionWins()
            throws Exception {
        ServedModel unlisted =
                client(endpoint().setModel("other-model")).resolveModel().get(10, TimeUnit.SECONDS);
        ServedModel configured =
                client(endpoint().withModelVersion("2024-06"))
                        .resolveModel()
                        .get(10, TimeUnit.SECONDS);

        assertThat(unlisted.version()).isEqualTo(ServedModel.SERVED);
        assertThat(configured.version()).isEqualTo("2024-06");
    }

    @Test
    void apiKeyFromTheNamedEnvironmentVariableIsSentAsBearer() throws Exception {
        // The fake server speaks plain http on loopback: the key may go there only when allowed.
        ChatEndpoint endpoint =
                endpoint().withApiKeyEnv("VLM_KEY").withAllowInsecureKey(true).build();
        try (OpenAiChatCaptioner client =
                OpenAiChatCaptioner.open(endpoint, Map.of("VLM_KEY", "s3cret")::get)) {
            success(client.caption(prompt("x")));
        }
        assertThat(server.authorizations()).containsExactly("Bearer s3cret");
        assertThat(endpoint.toUri()).doesNotContain("s3cret");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> OpenAiChatCaptioner.open(endpoint, name -> null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("api-key-env=VLM_KEY");
    }

    @Test
    void anAnswerLargerThanTheLimitIsRefusedWithoutRetryingOrReadingItAll() throws Exception {
        server.hugeAnswers(200_000);

        CaptionException failure =
                failure(client(endpoint().withMaxAnswerBytes(64 * 1024)).caption(prompt("x")));

        assertThat(failure.kind()).isEqualTo(CaptionException.Kind.PERMANENT);
        assertThat(failure.getMessage()).contains("larger than 65536 bytes");
        assertThat(server.chatRequestCount()).isEqualTo(1);
        // Within the limit, the same answer is read.
        server.hugeAnswers(20_000);
        CaptionResult fits =
                success(client(endpoint().withMaxAnswerBytes(64 * 1024)).caption(prompt("x")));
        assertThat(fits.caption()).hasSizeGreaterThan(19_000);
    }

    @Test
    void serverErrorsAreRetriedUntilTheServerRecovers() throws Exception {
        server.failNext(2, 500);

        CaptionResult result = success(client(endpoint().withRetries(2)).caption(prompt("x")));

        assertThat(result.attempts()).isEqualTo(3);
        assertThat(server.chatRequestCount()).isEqualTo(3);
    }

    @Test
    void persistentServerErrorsEndAsTransientExhaustedWithTheServersMessage() {
        server.failAlways(503);

        CaptionException failure = failure(client(endpoint().withRetries(2)).caption(prompt("x")));

        assertThat(failure.kind()).isEqualTo(Kind.TRANSIENT_EXHAUSTED);
        assertThat(failure.attempts()).isEqualTo(3);
        assertThat(failure.getMessage())
                .contains("HTTP 503: fake failure 503")
                .contains("model " + MODEL)
                .contains("3 attempts");
        assertThat(server.chatRequestCount()).isEqualTo(3);
    }

    @Test
    void badRequestIsPermanentAndNotRetried() {
        server.failAlways(400);

        CaptionException failure = failure(client(endpoint().withRetries(3)).caption(prompt("x")));

        assertThat(failure.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(failure.getMessage()).contains("HTTP 400: fake failure 400");
        assertThat(failure.attempts()).isEqualTo(1);
        assertThat(server.chatRequestCount()).isEqualTo(1);
    }

    @Test
    void answerWithoutACaptionIsPermanentAndNotRetried() {
        server.malformed();

        CaptionException failure = failure(client(endpoint().withRetries(3)).caption(prompt("x")));

        assertThat(failure.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(failure.getMessage()).contains("HTTP 200 but not JSON");
        assertThat(server.chatRequestCount()).isEqualTo(1);
    }

    @Test
    void rateLimitIsRetriedAfterTheServersRetryAfter() throws Exception {
        server.rateLimitNext(1, "1");

        CaptionResult result = success(client(endpoint().withRetries(2)).caption(prompt("x")));

        assertThat(result.attempts()).isEqualTo(2);
        List<Long> arrivals = server.requestNanos();
        long gapMs = TimeUnit.NANOSECONDS.toMillis(arrivals.get(1) - arrivals.get(0));
        // Backoff alone would wait at most 100 ms here.
        assertThat(gapMs).isGreaterThanOrEqualTo(950);
    }

    @Test
    void retryAfterBeyondTheLimitGivesUpAtOnce() {
        server.rateLimitNext(5, "120");

        long start = System.nanoTime();
        CaptionException failure =
                failure(
                        client(endpoint().withRetries(3).withMaxRetryAfter(Duration.ofSeconds(5)))
                                .caption(prompt("x")));

        assertThat(failure.kind()).isEqualTo(Kind.TRANSIENT_EXHAUSTED);
        assertThat(failure.getMessage()).contains("HTTP 429").contains("retry after 120");
        assertThat(server.chatRequestCount()).isEqualTo(1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aHangingServerTimesOutEachAttempt() {
        server.hang();

        long start = System.nanoTime();
        CaptionException failure =
                failure(
                        client(endpoint().withTimeout(Duration.ofMillis(300)).withRetries(1))
                                .caption(prompt("x")));
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(failure.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(failure.attempts()).isEqualTo(2);
        assertThat(failure.getMessage()).contains("no answer within timeout=300ms");
        assertThat(server.chatRequestCount()).isEqualTo(2);
        assertThat(elapsedMs).isBetween(600L, 3_000L);
    }

    @Test
    void totalTimeoutBoundsAllRetries() {
        server.hang();

        long start = System.nanoTime();
        CaptionException failure =
                failure(
                        client(
                                        endpoint()
                                                .withTimeout(Duration.ofMillis(300))
                                                .withRetries(50)
                                                .withCircuitFailures(100)
                                                .withTotalTimeout(Duration.ofSeconds(1)))
                                .caption(prompt("x")));
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(failure.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(elapsedMs).isBetween(900L, 2_500L);
        // Attempts of 300 ms fit about 3 times into 1 s (fewer if timers run late on a busy
        // machine).
        assertThat(server.chatRequestCount()).isBetween(2, 4);
    }

    @Test
    void aSlowServerWithinTheTimeoutStillAnswers() throws Exception {
        server.slow(Duration.ofMillis(400));

        CaptionResult result =
                success(client(endpoint().withTimeout(Duration.ofSeconds(5))).caption(prompt("x")));

        assertThat(result.attempts()).isEqualTo(1);
        assertThat(result.latency()).isGreaterThanOrEqualTo(Duration.ofMillis(400));
    }

    @Test
    void anUnreachableServerIsTransient() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        ChatEndpoint.Builder endpoint =
                endpoint().setBaseUri(java.net.URI.create("http://127.0.0.1:" + port + "/v1"));

        CaptionException failure = failure(client(endpoint.withRetries(1)).caption(prompt("x")));

        assertThat(failure.kind()).isEqualTo(Kind.TRANSIENT_EXHAUSTED);
        assertThat(failure.getMessage()).contains("cannot reach the server");
        assertThat(failure.attempts()).isEqualTo(2);
    }

    @Test
    void theCircuitOpensAfterConsecutiveFailuresFailsFastAndRecoversThroughAProbe()
            throws Exception {
        server.failAlways(500);
        OpenAiChatCaptioner client =
                client(
                        endpoint()
                                .withRetries(0)
                                .withCircuitFailures(3)
                                .withCircuitCoolDown(Duration.ofMillis(500)));
        for (int i = 0; i < 3; i++) {
            assertThat(failure(client.caption(prompt("x"))).kind())
                    .isEqualTo(Kind.TRANSIENT_EXHAUSTED);
        }
        assertThat(client.circuitState()).isEqualTo(CircuitBreaker.State.OPEN);

        long start = System.nanoTime();
        CaptionException fast = failure(client.caption(prompt("x")));
        assertThat(fast.kind()).isEqualTo(Kind.CIRCUIT_OPEN);
        assertThat(fast.attempts()).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
        assertThat(server.chatRequestCount()).isEqualTo(3);

        // After the cool-down a failing probe re-opens it: one request reaches the server.
        Thread.sleep(600);
        assertThat(failure(client.caption(prompt("x"))).kind()).isEqualTo(Kind.TRANSIENT_EXHAUSTED);
        assertThat(server.chatRequestCount()).isEqualTo(4);
        assertThat(client.circuitState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(failure(client.caption(prompt("x"))).kind()).isEqualTo(Kind.CIRCUIT_OPEN);

        // The server recovers; after the next cool-down the probe succeeds and closes it.
        server.captions();
        Thread.sleep(600);
        assertThat(success(client.caption(prompt("x"))).caption()).startsWith("images=1");
        assertThat(client.circuitState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(success(client.caption(prompt("x"))).attempts()).isEqualTo(1);
    }

    @Test
    void aCallBeyondMaxInFlightIsRefusedAsBusyWithoutBeingSent() throws Exception {
        server.slow(Duration.ofMillis(800));
        OpenAiChatCaptioner client = client(endpoint().withMaxInFlight(2));

        CompletableFuture<CaptionResult> first = client.caption(prompt("x"));
        CompletableFuture<CaptionResult> second = client.caption(prompt("x"));
        CaptionException third = failure(client.caption(prompt("x")));

        assertThat(third.kind()).isEqualTo(Kind.BUSY);
        assertThat(third.attempts()).isZero();
        assertThat(client.inFlight()).isEqualTo(2);
        success(first);
        success(second);
        assertThat(server.chatRequestCount()).isEqualTo(2);
        assertThat(server.peakConcurrent()).isEqualTo(2);
        // Permits come back when calls complete.
        assertThat(client.inFlight()).isZero();
        assertThat(success(client.caption(prompt("x"))).attempts()).isEqualTo(1);
    }

    @Test
    void aCallMadeWhenAnotherCompletesIsNotRefused() throws Exception {
        OpenAiChatCaptioner client = client(endpoint().withMaxInFlight(1));

        // Flink's async operator sends its next request as soon as it hears of an outcome.
        CompletableFuture<CaptionResult> next =
                client.caption(prompt("x")).thenCompose(r -> client.caption(prompt("y")));

        assertThat(success(next).attempts()).isEqualTo(1);
    }

    @Test
    void closeFailsOpenCallsAtOnce() {
        server.hang();
        OpenAiChatCaptioner client = client(endpoint());
        CompletableFuture<CaptionResult> call = client.caption(prompt("x"));

        client.close();

        CaptionException failure = failure(call);
        assertThat(failure.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(failure.getMessage()).contains("closed");
        assertThat(client.inFlight()).isZero();
        assertThat(failure(client.caption(prompt("x"))).getMessage()).contains("closed");
    }
}
