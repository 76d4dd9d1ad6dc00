package io.vlstream.model.remote;

import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;

/**
 * Every setting of a served-VLM endpoint: the query parameters of its {@code openai:} URI, as Flink
 * {@link ConfigOption}s (Flink reads their values, durations included); docs/served-vlm.md lists
 * them all.
 */
public final class ChatEndpointOptions {

    /** The system message unless {@code system-prompt} says otherwise. */
    public static final String DEFAULT_SYSTEM_PROMPT =
            "You describe moments of video for a monitoring system. Be factual and brief:"
                    + " describe only what is visible in the frames.";

    public static final ConfigOption<String> MODEL =
            ConfigOptions.key("model")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Served model name, sent as `model` in each request. Required.");

    public static final ConfigOption<String> MODEL_VERSION =
            ConfigOptions.key("model-version")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Version recorded in the captions' model lineage. Unset: what `GET"
                                    + " {base}/models` reports for the model (its `version`, else"
                                    + " its `root` when that differs from the id), else `served`.");

    public static final ConfigOption<String> API_KEY_ENV =
            ConfigOptions.key("api-key-env")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Name of an environment variable (on the task managers) holding the"
                                    + " API key, sent as `Authorization: Bearer ...`. Unset: no"
                                    + " key is sent.");

    public static final ConfigOption<Integer> MAX_IN_FLIGHT =
            ConfigOptions.key("max-in-flight")
                    .intType()
                    .defaultValue(8)
                    .withDescription(
                            "Requests one client (one operator subtask) has open at once, retries"
                                    + " included. Beyond it a call is refused at once with BUSY;"
                                    + " the Flink operator's capacity is set to this, so in the"
                                    + " job the operator's queue waits (backpressure) instead.");

    public static final ConfigOption<Duration> TIMEOUT =
            ConfigOptions.key("timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(60))
                    .withDescription(
                            "Limit for one HTTP attempt, from sending to the whole answer.");

    public static final ConfigOption<Duration> TOTAL_TIMEOUT =
            ConfigOptions.key("total-timeout")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(3))
                    .withDescription(
                            "Limit for one caption, all attempts and backoff waits included;"
                                    + " Flink's async timeout is this plus 5s.");

    public static final ConfigOption<Duration> CONNECT_TIMEOUT =
            ConfigOptions.key("connect-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription("Limit for opening a TCP connection.");

    public static final ConfigOption<Integer> RETRIES =
            ConfigOptions.key("retries")
                    .intType()
                    .defaultValue(2)
                    .withDescription(
                            "Retries after the first attempt, for transient failures only:"
                                    + " connection errors, timeouts, HTTP 408, 429 and 5xx.");

    public static final ConfigOption<Duration> BACKOFF =
            ConfigOptions.key("backoff")
                    .durationType()
                    .defaultValue(Duration.ofMillis(500))
                    .withDescription(
                            "Wait before the first retry; doubles each retry, with jitter (a"
                                    + " random 50-100% of it).");

    public static final ConfigOption<Duration> MAX_BACKOFF =
            ConfigOptions.key("max-backoff")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription("Longest wait between two attempts from backoff.");

    public static final ConfigOption<Duration> MAX_RETRY_AFTER =
            ConfigOptions.key("max-retry-after")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "Longest `Retry-After` of a 429 or 503 that is honoured; a longer one"
                                    + " ends the call as TRANSIENT_EXHAUSTED.");

    public static final ConfigOption<Integer> CIRCUIT_FAILURES =
            ConfigOptions.key("circuit-failures")
                    .intType()
                    .defaultValue(5)
                    .withDescription(
                            "Consecutive failed attempts (transient failures only) that open the"
                                    + " circuit; while open, calls fail at once with"
                                    + " CIRCUIT_OPEN.");

    public static final ConfigOption<Duration> CIRCUIT_COOL_DOWN =
            ConfigOptions.key("circuit-cool-down")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "How long the circuit stays open before one probe request is let"
                                    + " through (half-open); its success closes the circuit, its"
                                    + " failure opens it again.");

    public static final ConfigOption<Integer> MAX_TOKENS =
            ConfigOptions.key("max-tokens")
                    .intType()
                    .defaultValue(128)
                    .withDescription("`max_tokens` of each request: the caption's length limit.");

    public static final ConfigOption<Double> TEMPERATURE =
            ConfigOptions.key("temperature")
                    .doubleType()
                    .defaultValue(0.2)
                    .withDescription("`temperature` of each request.");

    public static final ConfigOption<String> SYSTEM_PROMPT =
            ConfigOptions.key("system-prompt")
                    .stringType()
                    .defaultValue(DEFAULT_SYSTEM_PROMPT)
                    .withDescription("The system message of each request.");

    public static final ConfigOption<MemorySize> MAX_ANSWER_BYTES =
            ConfigOptions.key("max-answer-bytes")
                    .memoryType()
                    .defaultValue(MemorySize.parse("1m"))
                    .withDescription(
                            "Largest answer read from the server; a larger one ends the call as"
                                    + " PERMANENT without reading the rest.");

    public static final ConfigOption<Boolean> ALLOW_INSECURE_KEY =
            ConfigOptions.key("allow-insecure-key")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Allow sending the api-key-env key over plain http://, where anyone on"
                                    + " the network path can read it. Off: such an endpoint is"
                                    + " refused at start; use https://.");

    private ChatEndpointOptions() {}

    /** Every option, in the order docs/served-vlm.md lists them. */
    public static List<ConfigOption<?>> all() {
        return List.of(
                MODEL,
                MODEL_VERSION,
                API_KEY_ENV,
                MAX_IN_FLIGHT,
                TIMEOUT,
                TOTAL_TIMEOUT,
                CONNECT_TIMEOUT,
                RETRIES,
                BACKOFF,
                MAX_BACKOFF,
                MAX_RETRY_AFTER,
                CIRCUIT_FAILURES,
                CIRCUIT_COOL_DOWN,
                MAX_TOKENS,
                TEMPERATURE,
                SYSTEM_PROMPT,
                MAX_ANSWER_BYTES,
                ALLOW_INSECURE_KEY);
    }
}
