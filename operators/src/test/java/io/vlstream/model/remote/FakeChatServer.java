package io.vlstream.model.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A served VLM stand-in: a real HTTP server on 127.0.0.1 that speaks the OpenAI chat-completions
 * wire format ({@code POST /v1/chat/completions}, {@code GET /v1/models}) with switchable
 * behaviour. Its captions echo what it was sent: {@code "images=N; prompt=first words"}.
 */
public final class FakeChatServer implements AutoCloseable {

    /** The model's {@code root} in {@code GET /v1/models}: what lineage records as its version. */
    public static final String ROOT = "fake-org/fake-vlm-7b";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a chat request gets once scripted failures are used up. */
    private enum Mode {
        CAPTION,
        SLOW,
        HANG,
        FAIL,
        MALFORMED
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final String model;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final List<Long> requestNanos = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final AtomicInteger concurrent = new AtomicInteger();
    private final AtomicInteger peakConcurrent = new AtomicInteger();
    private volatile Mode mode = Mode.CAPTION;
    private volatile Duration delay = Duration.ZERO;
    private volatile int failStatus = 500;
    private volatile String retryAfter;
    private final AtomicInteger scriptedFailures = new AtomicInteger();
    private final AtomicInteger scriptedDelays = new AtomicInteger();
    private volatile Duration scriptedDelay = Duration.ZERO;
    private volatile int padding;

    private FakeChatServer(String model) throws IOException {
        this.model = model;
        this.server =
                HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        this.executor =
                Executors.newCachedThreadPool(
                        r -> {
                            Thread t = new Thread(r, "fake-chat-server");
                            t.setDaemon(true);
                            return t;
                        });
        server.setExecutor(executor);
        server.createContext("/v1/chat/completions", this::chat);
        server.createContext("/v1/models", this::models);
        server.start();
    }

    /** Starts a server that serves {@code model} and answers captions. */
    public static FakeChatServer start(String model) throws IOException {
        return new FakeChatServer(model);
    }

    /** {@code http://127.0.0.1:PORT/v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** Answers captions at once. */
    public FakeChatServer captions() {
        mode = Mode.CAPTION;
        return this;
    }

    /** Answers captions after {@code delay}. */
    public FakeChatServer slow(Duration delay) {
        this.delay = delay;
        mode = Mode.SLOW;
        return this;
    }

    /** Never answers (until closed). */
    public FakeChatServer hang() {
        mode = Mode.HANG;
        return this;
    }

    /** Answers every request with {@code status} and an OpenAI-style error body. */
    public FakeChatServer failAlways(int status) {
        failStatus = status;
        retryAfter = null;
        mode = Mode.FAIL;
        return this;
    }

    /** The next {@code n} requests get {@code status}; then the current behaviour resumes. */
    public FakeChatServer failNext(int n, int status) {
        failStatus = status;
        retryAfter = null;
        scriptedFailures.set(n);
        return this;
    }

    /** The next {@code n} requests get 429 with this {@code Retry-After}. */
    public FakeChatServer rateLimitNext(int n, String retryAfterHeader) {
        failStatus = 429;
        retryAfter = retryAfterHeader;
        scriptedFailures.set(n);
        return this;
    }

    /** Captions padded to about {@code bytes} characters, as a runaway model would write them. */
    public FakeChatServer hugeAnswers(int bytes) {
        padding = bytes;
        mode = Mode.CAPTION;
        return this;
    }

    /** The next {@code n} requests are answered after {@code delay}; later ones as before. */
    public FakeChatServer slowNext(int n, Duration delay) {
        scriptedDelay = delay;
        scriptedDelays.set(n);
        return this;
    }

    /** Answers 200 with an HTML page, as a misconfigured proxy would. */
    public FakeChatServer malformed() {
        mode = Mode.MALFORMED;
        return this;
    }

    /** Chat requests received, parsed. */
    public List<JsonNode> requests() {
        return new ArrayList<>(requests);
    }

    public int chatRequestCount() {
        return requests.size();
    }

    /** {@code System.nanoTime()} at each chat request's arrival. */
    public List<Long> requestNanos() {
        return new ArrayList<>(requestNanos);
    }

    /** The Authorization header of each chat request ("" where absent). */
    public List<String> authorizations() {
        return new ArrayList<>(authorizations);
    }

    /** Most chat requests that were open at the server at once. */
    public int peakConcurrent() {
        return peakConcurrent.get();
    }

    /** What the captions of this server say for a request with these images and text. */
    public static String echo(int images, String text) {
        String words =
                Arrays.stream(text.strip().split("\\s+")).limit(4).collect(Collectors.joining(" "));
        return "images=" + images + "; prompt=" + words;
    }

    private void chat(HttpExchange exchange) throws IOException {
        requestNanos.add(System.nanoTime());
        int now = concurrent.incrementAndGet();
        peakConcurrent.accumulateAndGet(now, Math::max);
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                send(exchange, 405, error("use POST", "invalid_request_error", 405));
                return;
            }
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            authorizations.add(auth == null ? "" : auth);
            JsonNode request;
            try {
                request = JSON.readTree(exchange.getRequestBody());
            } catch (IOException e) {
                send(exchange, 400, error("body is not JSON", "invalid_request_error", 400));
                return;
            }
            requests.add(request);
            if (scriptedFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                fail(exchange);
                return;
            }
            if (scriptedDelays.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                sleep(scriptedDelay);
            }
            switch (mode) {
                case SLOW -> {
                    sleep(delay);
                    answer(exchange, request);
                }
                case HANG -> {
                    closing.await();
                }
                case FAIL -> fail(exchange);
                case MALFORMED -> send(exchange, 200, "<html><body>Bad gateway page</body></html>");
                default -> answer(exchange, request);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            concurrent.decrementAndGet();
        }
    }

    private void fail(HttpExchange exchange) throws IOException {
        if (retryAfter != null) {
            exchange.getResponseHeaders().add("Retry-After", retryAfter);
        }
        send(exchange, failStatus, error("fake failure " + failStatus, "server_error", failStatus));
    }

    private void answer(HttpExchange exchange, JsonNode request) throws IOException {
        int images = 0;
        String text = "";
        for (JsonNode message : request.path("messages")) {
            if (!"user".equals(message.path("role").asText())) {
                continue;
            }
            for (JsonNode part : message.path("content")) {
                if ("image_url".equals(part.path("type").asText())) {
                    images++;
                } else if ("text".equals(part.path("type").asText())) {
                    text = part.path("text").asText();
                }
            }
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("id", "chatcmpl-fake").put("object", "chat.completion").put("created", 1);
        body.put("model", request.path("model").asText());
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0).put("finish_reason", "stop");
        String content = echo(images, text);
        if (padding > 0) {
            content = content + " " + "x".repeat(padding);
        }
        choice.putObject("message").put("role", "assistant").put("content", content);
        body.putObject("usage").put("prompt_tokens", 10).put("completion_tokens", 5);
        send(exchange, 200, JSON.writeValueAsString(body));
    }

    private void models(HttpExchange exchange) throws IOException {
        try (exchange) {
            ObjectNode body = JSON.createObjectNode().put("object", "list");
            body.putArray("data")
                    .addObject()
                    .put("id", model)
                    .put("object", "model")
                    .put("owned_by", "fake")
                    .put("root", ROOT);
            send(exchange, 200, JSON.writeValueAsString(body));
        }
    }

    private static String error(String message, String type, int code) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("error").put("message", message).put("type", type).put("code", code);
        return body.toString();
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sleep(Duration d) throws InterruptedException {
        TimeUnit.NANOSECONDS.sleep(d.toNanos());
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
