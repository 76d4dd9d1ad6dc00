package io.vlstream.model.remote;

import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Where and how to reach a served VLM: an OpenAI-compatible chat-completions endpoint and the
 * resilience settings of the client that calls it. Immutable and serializable (it travels in the
 * Flink job graph; an API key is named by environment variable so it does not).
 *
 * <p>Written as a URI: {@code openai:http://host:8000/v1?model=llava&max-in-flight=8&timeout=30s};
 * every query parameter is one {@link Option}.
 */
public final class ChatEndpoint implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The URI scheme that selects this engine. */
    public static final String SCHEME = "openai";

    /** Added to {@link #totalTimeout()} for Flink's async timeout, so the client answers first. */
    public static final Duration ASYNC_TIMEOUT_MARGIN = Duration.ofSeconds(5);

    /** Every setting, its URI parameter, default and meaning; docs/served-vlm.md lists them all. */
    public enum Option {
        MODEL("model", null, "Served model name, sent as `model` in each request. Required."),
        MODEL_VERSION(
                "model-version",
                null,
                "Version recorded in the captions' model lineage. Unset: what `GET {base}/models`"
                        + " reports for the model (its `version`, else its `root` when that"
                        + " differs from the id), else `served`."),
        API_KEY_ENV(
                "api-key-env",
                null,
                "Name of an environment variable (on the task managers) holding the API key, sent"
                        + " as `Authorization: Bearer ...`. Unset: no key is sent."),
        MAX_IN_FLIGHT(
                "max-in-flight",
                "8",
                "Requests one client (one operator subtask) has open at once, retries included."
                        + " Beyond it a call is refused at once with BUSY; the Flink operator's"
                        + " capacity is set to this, so in the job the operator's queue waits"
                        + " (backpressure) instead."),
        TIMEOUT("timeout", "60s", "Limit for one HTTP attempt, from sending to the whole answer."),
        TOTAL_TIMEOUT(
                "total-timeout",
                "3min",
                "Limit for one caption, all attempts and backoff waits included; Flink's async"
                        + " timeout is this plus 5s."),
        CONNECT_TIMEOUT("connect-timeout", "10s", "Limit for opening a TCP connection."),
        RETRIES(
                "retries",
                "2",
                "Retries after the first attempt, for transient failures only: connection"
                        + " errors, timeouts, HTTP 408, 429 and 5xx."),
        BACKOFF(
                "backoff",
                "500ms",
                "Wait before the first retry; doubles each retry, with jitter (a random 50-100%"
                        + " of it)."),
        MAX_BACKOFF("max-backoff", "10s", "Longest wait between two attempts from backoff."),
        MAX_RETRY_AFTER(
                "max-retry-after",
                "30s",
                "Longest `Retry-After` of a 429 or 503 that is honoured; a longer one ends the"
                        + " call as TRANSIENT_EXHAUSTED."),
        CIRCUIT_FAILURES(
                "circuit-failures",
                "5",
                "Consecutive failed attempts (transient failures only) that open the circuit;"
                        + " while open, calls fail at once with CIRCUIT_OPEN."),
        CIRCUIT_COOL_DOWN(
                "circuit-cool-down",
                "30s",
                "How long the circuit stays open before one probe request is let through"
                        + " (half-open); its success closes the circuit, its failure opens it"
                        + " again."),
        MAX_TOKENS(
                "max-tokens", "128", "`max_tokens` of each request: the caption's length limit."),
        TEMPERATURE("temperature", "0.2", "`temperature` of each request."),
        SYSTEM_PROMPT(
                "system-prompt", DEFAULT_SYSTEM_PROMPT, "The system message of each request.");

        private final String key;
        private final String defaultValue;
        private final String description;

        Option(String key, String defaultValue, String description) {
            this.key = key;
            this.defaultValue = defaultValue;
            this.description = description;
        }

        /** The URI query parameter. */
        public String key() {
            return key;
        }

        /** The default as written in a URI; null where there is none. */
        public String defaultValue() {
            return defaultValue;
        }

        public String description() {
            return description;
        }

        static Option byKey(String key) {
            for (Option option : values()) {
                if (option.key.equals(key)) {
                    return option;
                }
            }
            throw new IllegalArgumentException(
                    "Unknown parameter '"
                            + key
                            + "' in the "
                            + SCHEME
                            + ": endpoint URI; known: "
                            + Arrays.stream(values())
                                    .map(Option::key)
                                    .collect(Collectors.joining(", ")));
        }
    }

    /** The system message unless {@code system-prompt} says otherwise. */
    public static final String DEFAULT_SYSTEM_PROMPT =
            "You describe moments of video for a monitoring system. Be factual and brief:"
                    + " describe only what is visible in the frames.";

    private final URI baseUri;
    private final String model;
    private final String modelVersion;
    private final String apiKeyEnv;
    private final int maxInFlight;
    private final Duration timeout;
    private final Duration totalTimeout;
    private final Duration connectTimeout;
    private final int retries;
    private final Duration backoff;
    private final Duration maxBackoff;
    private final Duration maxRetryAfter;
    private final int circuitFailures;
    private final Duration circuitCoolDown;
    private final int maxTokens;
    private final double temperature;
    private final String systemPrompt;

    private ChatEndpoint(Builder b) {
        this.baseUri = b.baseUri;
        this.model = b.model;
        this.modelVersion = b.modelVersion;
        this.apiKeyEnv = b.apiKeyEnv;
        this.maxInFlight = b.maxInFlight;
        this.timeout = b.timeout;
        this.totalTimeout = b.totalTimeout;
        this.connectTimeout = b.connectTimeout;
        this.retries = b.retries;
        this.backoff = b.backoff;
        this.maxBackoff = b.maxBackoff;
        this.maxRetryAfter = b.maxRetryAfter;
        this.circuitFailures = b.circuitFailures;
        this.circuitCoolDown = b.circuitCoolDown;
        this.maxTokens = b.maxTokens;
        this.temperature = b.temperature;
        this.systemPrompt = b.systemPrompt;
    }

    /**
     * Reads {@code openai:http://host:8000/v1?model=...&max-in-flight=..}: the base URL is what
     * precedes {@code /chat/completions} and {@code /models}; parameters are {@link Option}s.
     */
    public static ChatEndpoint parse(String spec) {
        Objects.requireNonNull(spec, "endpoint URI");
        String prefix = SCHEME + ":";
        if (!spec.startsWith(prefix)) {
            throw new IllegalArgumentException(
                    "A served-VLM endpoint is written "
                            + prefix
                            + "http://host:8000/v1?model=NAME, got '"
                            + spec
                            + "'");
        }
        URI uri;
        try {
            uri = new URI(spec.substring(prefix.length()));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(
                    "Not a URI after '" + prefix + "': " + e.getMessage(), e);
        }
        Builder builder = builder();
        try {
            builder.setBaseUri(
                    new URI(uri.getScheme(), uri.getRawAuthority(), uri.getPath(), null, null));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(
                    "Bad base URL in '" + spec + "': " + e.getMessage(), e);
        }
        String query = uri.getRawQuery();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException(
                            "Parameter '"
                                    + pair
                                    + "' in '"
                                    + spec
                                    + "' has no value: write key=value");
                }
                String key = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                builder.with(Option.byKey(key), value);
            }
        }
        return builder.build();
    }

    /** A builder with every optional setting at its default. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these settings, to change some of them. */
    public Builder toBuilder() {
        Builder b = builder().setBaseUri(baseUri);
        values().forEach(
                        (option, value) -> {
                            if (value != null) {
                                b.with(option, value);
                            }
                        });
        return b;
    }

    /** The URI form, which {@link #parse} reads back; settings at their default are left out. */
    public String toUri() {
        Map<Option, String> values = values();
        StringBuilder sb = new StringBuilder(SCHEME).append(':').append(baseUri);
        char sep = '?';
        for (Map.Entry<Option, String> e : values.entrySet()) {
            if (e.getValue() == null || e.getValue().equals(e.getKey().defaultValue())) {
                continue;
            }
            sb.append(sep)
                    .append(e.getKey().key())
                    .append('=')
                    .append(
                            URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)
                                    .replace("+", "%20"));
            sep = '&';
        }
        return sb.toString();
    }

    private Map<Option, String> values() {
        Map<Option, String> v = new LinkedHashMap<>();
        v.put(Option.MODEL, model);
        v.put(Option.MODEL_VERSION, modelVersion);
        v.put(Option.API_KEY_ENV, apiKeyEnv);
        v.put(Option.MAX_IN_FLIGHT, Integer.toString(maxInFlight));
        v.put(Option.TIMEOUT, Durations.format(timeout));
        v.put(Option.TOTAL_TIMEOUT, Durations.format(totalTimeout));
        v.put(Option.CONNECT_TIMEOUT, Durations.format(connectTimeout));
        v.put(Option.RETRIES, Integer.toString(retries));
        v.put(Option.BACKOFF, Durations.format(backoff));
        v.put(Option.MAX_BACKOFF, Durations.format(maxBackoff));
        v.put(Option.MAX_RETRY_AFTER, Durations.format(maxRetryAfter));
        v.put(Option.CIRCUIT_FAILURES, Integer.toString(circuitFailures));
        v.put(Option.CIRCUIT_COOL_DOWN, Durations.format(circuitCoolDown));
        v.put(Option.MAX_TOKENS, Integer.toString(maxTokens));
        v.put(Option.TEMPERATURE, Double.toString(temperature));
        v.put(Option.SYSTEM_PROMPT, systemPrompt);
        return v;
    }

    /** Base URL, e.g. {@code http://host:8000/v1}, without a trailing slash. */
    public URI baseUri() {
        return baseUri;
    }

    /** {@code {base}/chat/completions}. */
    public URI chatCompletionsUri() {
        return URI.create(baseUri + "/chat/completions");
    }

    /** {@code {base}/models}. */
    public URI modelsUri() {
        return URI.create(baseUri + "/models");
    }

    public String model() {
        return model;
    }

    /** The configured lineage version; null to ask the server. */
    public String modelVersion() {
        return modelVersion;
    }

    public String apiKeyEnv() {
        return apiKeyEnv;
    }

    public int maxInFlight() {
        return maxInFlight;
    }

    public Duration timeout() {
        return timeout;
    }

    public Duration totalTimeout() {
        return totalTimeout;
    }

    /** Flink's async timeout: {@link #totalTimeout()} plus {@link #ASYNC_TIMEOUT_MARGIN}. */
    public Duration asyncTimeout() {
        return totalTimeout.plus(ASYNC_TIMEOUT_MARGIN);
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public int retries() {
        return retries;
    }

    public Duration backoff() {
        return backoff;
    }

    public Duration maxBackoff() {
        return maxBackoff;
    }

    public Duration maxRetryAfter() {
        return maxRetryAfter;
    }

    public int circuitFailures() {
        return circuitFailures;
    }

    public Duration circuitCoolDown() {
        return circuitCoolDown;
    }

    public int maxTokens() {
        return maxTokens;
    }

    public double temperature() {
        return temperature;
    }

    public String systemPrompt() {
        return systemPrompt;
    }

    @Override
    public String toString() {
        return toUri();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChatEndpoint other
                && baseUri.equals(other.baseUri)
                && values().equals(other.values());
    }

    @Override
    public int hashCode() {
        return Objects.hash(baseUri, values());
    }

    /** Required: {@code set*}; optional: {@code with*}; checked in {@link #build()}. */
    public static final class Builder {
        private URI baseUri;
        private String model;
        private String modelVersion;
        private String apiKeyEnv;
        private int maxInFlight = Integer.parseInt(Option.MAX_IN_FLIGHT.defaultValue);
        private Duration timeout = dur(Option.TIMEOUT);
        private Duration totalTimeout = dur(Option.TOTAL_TIMEOUT);
        private Duration connectTimeout = dur(Option.CONNECT_TIMEOUT);
        private int retries = Integer.parseInt(Option.RETRIES.defaultValue);
        private Duration backoff = dur(Option.BACKOFF);
        private Duration maxBackoff = dur(Option.MAX_BACKOFF);
        private Duration maxRetryAfter = dur(Option.MAX_RETRY_AFTER);
        private int circuitFailures = Integer.parseInt(Option.CIRCUIT_FAILURES.defaultValue);
        private Duration circuitCoolDown = dur(Option.CIRCUIT_COOL_DOWN);
        private int maxTokens = Integer.parseInt(Option.MAX_TOKENS.defaultValue);
        private double temperature = Double.parseDouble(Option.TEMPERATURE.defaultValue);
        private String systemPrompt = DEFAULT_SYSTEM_PROMPT;

        private Builder() {}

        private static Duration dur(Option option) {
            return Durations.parse(option.key, option.defaultValue);
        }

        /** Base URL such as {@code http://host:8000/v1} (what precedes /chat/completions). */
        public Builder setBaseUri(URI baseUri) {
            String s = baseUri.toString();
            while (s.endsWith("/")) {
                s = s.substring(0, s.length() - 1);
            }
            this.baseUri = URI.create(s);
            return this;
        }

        public Builder setModel(String model) {
            this.model = model;
            return this;
        }

        public Builder withModelVersion(String modelVersion) {
            this.modelVersion = modelVersion;
            return this;
        }

        public Builder withApiKeyEnv(String variable) {
            this.apiKeyEnv = variable;
            return this;
        }

        public Builder withMaxInFlight(int maxInFlight) {
            this.maxInFlight = maxInFlight;
            return this;
        }

        public Builder withTimeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public Builder withTotalTimeout(Duration totalTimeout) {
            this.totalTimeout = totalTimeout;
            return this;
        }

        public Builder withConnectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        public Builder withRetries(int retries) {
            this.retries = retries;
            return this;
        }

        public Builder withBackoff(Duration backoff) {
            this.backoff = backoff;
            return this;
        }

        public Builder withMaxBackoff(Duration maxBackoff) {
            this.maxBackoff = maxBackoff;
            return this;
        }

        public Builder withMaxRetryAfter(Duration maxRetryAfter) {
            this.maxRetryAfter = maxRetryAfter;
            return this;
        }

        public Builder withCircuitFailures(int circuitFailures) {
            this.circuitFailures = circuitFailures;
            return this;
        }

        public Builder withCircuitCoolDown(Duration circuitCoolDown) {
            this.circuitCoolDown = circuitCoolDown;
            return this;
        }

        public Builder withMaxTokens(int maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        public Builder withTemperature(double temperature) {
            this.temperature = temperature;
            return this;
        }

        public Builder withSystemPrompt(String systemPrompt) {
            this.systemPrompt = systemPrompt;
            return this;
        }

        /** Sets one option from its URI text. */
        public Builder with(Option option, String value) {
            String k = option.key;
            switch (option) {
                case MODEL -> setModel(value);
                case MODEL_VERSION -> withModelVersion(value);
                case API_KEY_ENV -> withApiKeyEnv(value);
                case MAX_IN_FLIGHT -> withMaxInFlight(integer(k, value));
                case TIMEOUT -> withTimeout(Durations.parse(k, value));
                case TOTAL_TIMEOUT -> withTotalTimeout(Durations.parse(k, value));
                case CONNECT_TIMEOUT -> withConnectTimeout(Durations.parse(k, value));
                case RETRIES -> withRetries(integer(k, value));
                case BACKOFF -> withBackoff(Durations.parse(k, value));
                case MAX_BACKOFF -> withMaxBackoff(Durations.parse(k, value));
                case MAX_RETRY_AFTER -> withMaxRetryAfter(Durations.parse(k, value));
                case CIRCUIT_FAILURES -> withCircuitFailures(integer(k, value));
                case CIRCUIT_COOL_DOWN -> withCircuitCoolDown(Durations.parse(k, value));
                case MAX_TOKENS -> withMaxTokens(integer(k, value));
                case TEMPERATURE -> withTemperature(decimal(k, value));
                case SYSTEM_PROMPT -> withSystemPrompt(value);
            }
            return this;
        }

        private static int integer(String key, String value) {
            try {
                return Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        key + "='" + value + "' is not a whole number", e);
            }
        }

        private static double decimal(String key, String value) {
            try {
                return Double.parseDouble(value.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + "='" + value + "' is not a number", e);
            }
        }

        /** Checks the settings; the message says which one is wrong and what it must be. */
        public ChatEndpoint build() {
            List<String> problems = new java.util.ArrayList<>();
            if (baseUri == null) {
                problems.add("the base URL is missing (e.g. http://host:8000/v1)");
            } else if (!"http".equals(baseUri.getScheme()) && !"https".equals(baseUri.getScheme())
                    || baseUri.getHost() == null) {
                problems.add(
                        "the base URL must be http(s)://host[:port][/path], got '" + baseUri + "'");
            }
            if (model == null || model.isBlank()) {
                problems.add("model is missing: add ?model=NAME (the name the server serves)");
            }
            if (apiKeyEnv != null && apiKeyEnv.isBlank()) {
                problems.add("api-key-env is empty: name an environment variable or leave it out");
            }
            positive(problems, Option.MAX_IN_FLIGHT, maxInFlight);
            positive(problems, Option.TIMEOUT, timeout);
            positive(problems, Option.TOTAL_TIMEOUT, totalTimeout);
            positive(problems, Option.CONNECT_TIMEOUT, connectTimeout);
            if (retries < 0) {
                problems.add("retries must be 0 or more, got " + retries);
            }
            if (backoff.isNegative() || maxBackoff.isNegative() || maxRetryAfter.isNegative()) {
                problems.add("backoff, max-backoff and max-retry-after must not be negative");
            }
            positive(problems, Option.CIRCUIT_FAILURES, circuitFailures);
            positive(problems, Option.CIRCUIT_COOL_DOWN, circuitCoolDown);
            positive(problems, Option.MAX_TOKENS, maxTokens);
            if (!(temperature >= 0 && temperature <= 2)) {
                problems.add("temperature must be between 0 and 2, got " + temperature);
            }
            if (systemPrompt == null) {
                problems.add("system-prompt must not be null (an empty one is allowed)");
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(
                        "Bad served-VLM endpoint: " + String.join("; ", problems));
            }
            return new ChatEndpoint(this);
        }

        private static void positive(List<String> problems, Option option, long value) {
            if (value <= 0) {
                problems.add(option.key + " must be positive, got " + value);
            }
        }

        private static void positive(List<String> problems, Option option, Duration value) {
            if (value == null || value.isZero() || value.isNegative()) {
                problems.add(option.key + " must be a positive duration, got " + value);
            }
        }
    }
}
