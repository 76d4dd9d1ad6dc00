package io.vlstream.model.remote;

import io.vlstream.model.remote.CaptionException.Kind;
import io.vlstream.model.remote.ChatCompletionsWire.Answer;
import io.vlstream.model.remote.ChatCompletionsWire.MalformedResponseException;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Captions with a VLM served behind an OpenAI-compatible chat-completions endpoint, without
 * blocking the caller: {@link #caption} returns at once with a future.
 *
 * <p>Resilience, all set by {@link ChatEndpoint}:
 *
 * <ul>
 *   <li><b>Bounded in flight.</b> At most {@code max-in-flight} calls are open at once (a call
 *       keeps its permit through its retries). Beyond that a call is refused at once with {@link
 *       Kind#BUSY} rather than queued: the caller owns the queue (in Flink, the async operator's
 *       capacity, which backpressures).
 *   <li><b>Timeouts.</b> {@code timeout} per attempt (connect to last byte), {@code total-timeout}
 *       per call with all retries and waits.
 *   <li><b>Retries</b> for transient failures only (connection errors, timeouts, 408, 429, 5xx but
 *       501), {@code retries} times, exponential backoff with jitter, a 429's or 503's {@code
 *       Retry-After} honoured up to {@code max-retry-after}. Other 4xx and answers without a
 *       caption are {@link Kind#PERMANENT} at once.
 *   <li><b>Circuit breaker.</b> {@code circuit-failures} consecutive transient failures open it;
 *       calls then fail at once with {@link Kind#CIRCUIT_OPEN}; after {@code circuit-cool-down} one
 *       probe goes through and its outcome closes or re-opens it.
 * </ul>
 *
 * <p>Thread-safe. One instance per operator subtask; {@link #close()} fails what is still open.
 */
public final class OpenAiChatCaptioner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiChatCaptioner.class);

    private final ChatEndpoint endpoint;
    private final HttpClient http;
    private final ScheduledExecutorService timers;
    private final Semaphore permits;
    private final CircuitBreaker breaker;
    private final Backoff backoff;
    private final String authorization;
    private final Set<Call> calls = ConcurrentHashMap.newKeySet();
    private volatile ServedModel model;
    private volatile boolean closed;

    private OpenAiChatCaptioner(ChatEndpoint endpoint, String apiKey) {
        this.endpoint = endpoint;
        this.http =
                HttpClient.newBuilder()
                        .connectTimeout(endpoint.connectTimeout())
                        // vLLM, Ollama, TGI and llama.cpp speak HTTP/1.1; an h2c upgrade on a
                        // POST body only costs a round trip or confuses a proxy.
                        .version(HttpClient.Version.HTTP_1_1)
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .build();
        this.timers =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "vlstream-served-vlm-timer");
                            t.setDaemon(true);
                            return t;
                        });
        this.permits = new Semaphore(endpoint.maxInFlight());
        this.breaker = new CircuitBreaker(endpoint.circuitFailures(), endpoint.circuitCoolDown());
        this.backoff =
                new Backoff(
                        endpoint.backoff(),
                        endpoint.maxBackoff(),
                        () -> ThreadLocalRandom.current().nextDouble());
        this.authorization = apiKey == null ? null : "Bearer " + apiKey;
        this.model =
                new ServedModel(
                        ServedModel.CAPTIONER,
                        endpoint.model(),
                        endpoint.modelVersion() != null
                                ? endpoint.modelVersion()
                                : ServedModel.SERVED);
    }

    /** A client for {@code endpoint}, the API key read from the environment variable it names. */
    public static OpenAiChatCaptioner open(ChatEndpoint endpoint) {
        return open(endpoint, System::getenv);
    }

    /**
     * As {@link #open(ChatEndpoint)}, with the environment given.
     *
     * @throws IllegalStateException when {@code api-key-env} names a variable that is not set
     */
    public static OpenAiChatCaptioner open(ChatEndpoint endpoint, UnaryOperator<String> env) {
        String apiKey = null;
        if (endpoint.apiKeyEnv() != null) {
            apiKey = env.apply(endpoint.apiKeyEnv());
            if (apiKey == null || apiKey.isBlank()) {
                throw new IllegalStateException(
                        "api-key-env="
                                + endpoint.apiKeyEnv()
                                + " names an environment variable that is not set here; set it"
                                + " on every task manager or leave api-key-env out");
            }
        }
        return new OpenAiChatCaptioner(endpoint, apiKey);
    }

    public ChatEndpoint endpoint() {
        return endpoint;
    }

    /** The model's lineage: as configured, as {@link #resolveModel()} found it, or "served". */
    public ServedModel model() {
        return model;
    }

    /** Calls open now (sent, waiting to retry, or being parsed). */
    public int inFlight() {
        return endpoint.maxInFlight() - permits.availablePermits();
    }

    public CircuitBreaker.State circuitState() {
        return breaker.state();
    }

    /**
     * Asks {@code GET {base}/models} for the model's version, once, for lineage. Never fails: if
     * the server cannot say, the version stays "served" (logged). A configured {@code
     * model-version} wins without asking.
     */
    public CompletableFuture<ServedModel> resolveModel() {
        if (endpoint.modelVersion() != null) {
            return CompletableFuture.completedFuture(model);
        }
        HttpRequest.Builder request =
                HttpRequest.newBuilder(endpoint.modelsUri())
                        .timeout(endpoint.timeout())
                        .header("Accept", "application/json")
                        .GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.sendAsync(request.build(), BoundedBody.handler(endpoint.maxAnswerBytes()))
                .handle(
                        (response, error) -> {
                            String version = ServedModel.SERVED;
                            if (error != null) {
                                LOG.warn(
                                        "GET {} failed ({}); model {} recorded as version '{}'",
                                        endpoint.modelsUri(),
                                        unwrap(error).toString(),
                                        endpoint.model(),
                                        version);
                            } else if (response.statusCode() / 100 != 2) {
                                LOG.warn(
                                        "GET {} answered HTTP {}: {}; model {} recorded as version"
                                                + " '{}'",
                                        endpoint.modelsUri(),
                                        response.statusCode(),
                                        ChatCompletionsWire.errorMessage(response.body()),
                                        endpoint.model(),
                                        version);
                            } else {
                                try {
                                    version =
                                            ChatCompletionsWire.modelVersion(
                                                            response.body(), endpoint.model())
                                                    .orElse(ServedModel.SERVED);
                                } catch (MalformedResponseException e) {
                                    LOG.warn(
                                            "GET {}: {}; model {} recorded as version '{}'",
                                            endpoint.modelsUri(),
                                            e.getMessage(),
                                            endpoint.model(),
                                            version);
                                }
                            }
                            model =
                                    new ServedModel(
                                            ServedModel.CAPTIONER, endpoint.model(), version);
                            return model;
                        });
    }

    /**
     * Captions one moment. Returns at once; the future completes with the caption or with a {@link
     * CaptionException} (never another exception) whose kind says what happened.
     */
    public CompletableFuture<CaptionResult> caption(CaptionPrompt prompt) {
        if (closed) {
            return CompletableFuture.failedFuture(
                    new CaptionException(Kind.PERMANENT, where() + "the captioner is closed", 0));
        }
        byte[] body = ChatCompletionsWire.requestBody(endpoint, prompt);
        if (!permits.tryAcquire()) {
            return CompletableFuture.failedFuture(
                    new CaptionException(
                            Kind.BUSY,
                            where()
                                    + "max-in-flight="
                                    + endpoint.maxInFlight()
                                    + " requests are already open; nothing was sent",
                            0));
        }
        Call call = new Call(body);
        calls.add(call);
        // The permit is back before the caller hears of the outcome: a caller that sends its next
        // call from the callback (Flink's async operator, whose capacity is max-in-flight) must
        // not be refused as BUSY by a permit that is about to be released.
        CompletableFuture<CaptionResult> outcome = new CompletableFuture<>();
        call.result.whenComplete(
                (r, e) -> {
                    calls.remove(call);
                    permits.release();
                    if (e != null) {
                        outcome.completeExceptionally(e);
                    } else {
                        outcome.complete(r);
                    }
                });
        call.attempt();
        return outcome;
    }

    /** Fails every open call (PERMANENT, "closed") and stops the timers. */
    @Override
    public void close() {
        closed = true;
        for (Call call : calls) {
            call.abort();
        }
        timers.shutdownNow();
    }

    private String where() {
        return "model " + endpoint.model() + " at " + endpoint.baseUri() + ": ";
    }

    private static Throwable unwrap(Throwable error) {
        Throwable e = error;
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank()
                ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + message;
    }

    /** One caption call: its attempts, waits and outcome. */
    private final class Call {
        final byte[] body;
        final long startNanos = System.nanoTime();
        final long deadlineNanos = startNanos + endpoint.totalTimeout().toNanos();
        final CompletableFuture<CaptionResult> result = new CompletableFuture<>();
        private int attempts;
        private String lastError;
        private volatile CompletableFuture<HttpResponse<String>> exchange;

        Call(byte[] body) {
            this.body = body;
        }

        synchronized void attempt() {
            if (result.isDone()) {
                return;
            }
            long remaining = deadlineNanos - System.nanoTime();
            if (remaining <= 0) {
                fail(Kind.TIMEOUT, "total-timeout=" + fmt(endpoint.totalTimeout()) + " passed");
                return;
            }
            if (!breaker.tryAcquire()) {
                fail(
                        Kind.CIRCUIT_OPEN,
                        "the circuit is open after "
                                + breaker.consecutiveFailures()
                                + " consecutive failed attempts; the next probe is let through in "
                                + fmt(breaker.untilProbe())
                                + "; nothing was sent");
                return;
            }
            attempts++;
            Duration timeout = endpoint.timeout();
            if (timeout.toNanos() > remaining) {
                timeout = Duration.ofNanos(remaining);
            }
            HttpRequest.Builder request =
                    HttpRequest.newBuilder(endpoint.chatCompletionsUri())
                            .timeout(timeout)
                            .header("Content-Type", "application/json")
                            .header("Accept", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            CompletableFuture<HttpResponse<String>> sent;
            ScheduledFuture<?> timer;
            AtomicBoolean timedOut = new AtomicBoolean();
            try {
                sent =
                        http.sendAsync(
                                request.build(), BoundedBody.handler(endpoint.maxAnswerBytes()));
                // HttpRequest.timeout() stops at the response headers; this bounds the body too.
                timer =
                        timers.schedule(
                                () -> {
                                    timedOut.set(true);
                                    sent.cancel(true);
                                },
                                timeout.toNanos(),
                                TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException | IllegalArgumentException e) {
                breaker.onAbandoned();
                fail(Kind.PERMANENT, "could not send: " + describe(e));
                return;
            }
            exchange = sent;
            Duration attemptTimeout = timeout;
            sent.whenComplete(
                    (response, error) -> {
                        timer.cancel(false);
                        try {
                            onAnswer(response, error, timedOut.get(), attemptTimeout);
                        } catch (RuntimeException e) {
                            fail(Kind.PERMANENT, "unexpected error: " + describe(e));
                        }
                    });
        }

        private synchronized void onAnswer(
                HttpResponse<String> response,
                Throwable error,
                boolean timedOut,
                Duration attemptTimeout) {
            if (result.isDone()) {
                breaker.onAbandoned();
                return;
            }
            if (error != null) {
                Throwable e = unwrap(error);
                if (BoundedBody.tooLarge(error)) {
                    // The server answered: it is up; asking again would get the same answer.
                    breaker.onSuccess();
                    fail(
                            Kind.PERMANENT,
                            new BoundedBody.TooLargeException(endpoint.maxAnswerBytes())
                                    .getMessage());
                } else if (timedOut
                        || e instanceof HttpTimeoutException
                                && !(e instanceof HttpConnectTimeoutException)) {
                    retryOrFail(
                            "no answer within timeout=" + fmt(attemptTimeout),
                            true,
                            Optional.empty());
                } else if (e instanceof IOException) {
                    retryOrFail("cannot reach the server: " + describe(e), false, Optional.empty());
                } else if (e instanceof CancellationException) {
                    breaker.onAbandoned();
                    fail(Kind.PERMANENT, "the request was cancelled");
                } else {
                    breaker.onAbandoned();
                    fail(Kind.PERMANENT, "unexpected error: " + describe(e));
                }
                return;
            }
            int status = response.statusCode();
            if (status / 100 == 2) {
                breaker.onSuccess();
                try {
                    Answer answer = ChatCompletionsWire.answer(response.body());
                    result.complete(
                            new CaptionResult(
                                    answer.text(),
                                    model,
                                    attempts,
                                    Duration.ofNanos(System.nanoTime() - startNanos),
                                    answer.finishReason()));
                } catch (MalformedResponseException e) {
                    fail(Kind.PERMANENT, "HTTP " + status + " but " + e.getMessage());
                }
            } else if (status == 408 || status == 429 || status >= 500 && status != 501) {
                Optional<Duration> retryAfter =
                        status == 429 || status == 503
                                ? Backoff.retryAfter(
                                        response.headers().firstValue("Retry-After"),
                                        ZonedDateTime.now())
                                : Optional.empty();
                retryOrFail(
                        "HTTP " + status + ": " + ChatCompletionsWire.errorMessage(response.body()),
                        false,
                        retryAfter);
            } else {
                breaker.onSuccess();
                fail(
                        Kind.PERMANENT,
                        "HTTP "
                                + status
                                + ": "
                                + ChatCompletionsWire.errorMessage(response.body()));
            }
        }

        private void retryOrFail(String error, boolean timedOut, Optional<Duration> retryAfter) {
            breaker.onFailure();
            lastError = error;
            Kind exhausted = timedOut ? Kind.TIMEOUT : Kind.TRANSIENT_EXHAUSTED;
            if (attempts > endpoint.retries()) {
                fail(exhausted, error + " (retries=" + endpoint.retries() + " used up)");
                return;
            }
            Duration wait = backoff.delay(attempts);
            if (retryAfter.isPresent()) {
                if (retryAfter.get().compareTo(endpoint.maxRetryAfter()) > 0) {
                    fail(
                            Kind.TRANSIENT_EXHAUSTED,
                            error
                                    + " (the server asks to retry after "
                                    + fmt(retryAfter.get())
                                    + ", beyond max-retry-after="
                                    + fmt(endpoint.maxRetryAfter())
                                    + ")");
                    return;
                }
                if (retryAfter.get().compareTo(wait) > 0) {
                    wait = retryAfter.get();
                }
            }
            if (wait.toNanos() >= deadlineNanos - System.nanoTime()) {
                // Out of time, whatever the last error was: total-timeout is what stopped it.
                fail(
                        Kind.TIMEOUT,
                        error
                                + " (a retry in "
                                + fmt(wait)
                                + " would pass total-timeout="
                                + fmt(endpoint.totalTimeout())
                                + ")");
                return;
            }
            try {
                timers.schedule(this::attempt, wait.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                fail(Kind.PERMANENT, "the captioner is closed");
            }
        }

        private synchronized void abort() {
            CompletableFuture<HttpResponse<String>> sent = exchange;
            fail(Kind.PERMANENT, "the captioner was closed");
            if (sent != null) {
                sent.cancel(true);
            }
        }

        private void fail(Kind kind, String message) {
            StringBuilder sb = new StringBuilder(where()).append(message);
            if (lastError != null && !message.startsWith(lastError)) {
                sb.append("; last error: ").append(lastError);
            }
            sb.append(" [").append(attempts).append(attempts == 1 ? " attempt]" : " attempts]");
            result.completeExceptionally(new CaptionException(kind, sb.toString(), attempts));
        }
    }

    private static String fmt(Duration d) {
        long ms = d.toMillis();
        return ms < 10_000 ? ms + "ms" : (ms / 100) / 10.0 + "s";
    }
}
