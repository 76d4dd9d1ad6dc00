package io.vlstream.model.remote;

import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.util.TimeUtils;

/**
 * Where and how to reach a served VLM: an OpenAI-compatible chat-completions endpoint and the
 * resilience settings of the client that calls it. Immutable and serializable (it travels in the
 * Flink job graph; an API key is named by environment variable so it does not).
 *
 * <p>Written as a URI: {@code openai:http://host:8000/v1?model=llava&max-in-flight=8&timeout=30s};
 * every query parameter is one of the {@link ChatEndpointOptions}, read by Flink's {@link
 * Configuration} (durations as every Flink duration setting: {@code 500ms}, {@code 30s}, {@code
 * 2min}; or ISO-8601).
 */
public final class ChatEndpoint implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The URI scheme that selects this engine. */
    public static final String SCHEME = "openai";

    /** Added to {@link #totalTimeout()} for Flink's async timeout, so the client answers first. */
    public static final Duration ASYNC_TIMEOUT_MARGIN = Duration.ofSeconds(5);

    /** The user info of a URL ({@code //user:password@}), to keep it out of messages. */
    private static final Pattern USER_INFO = Pattern.compile("//[^/\\s@]*@");

    /** The system message unless {@code system-prompt} says otherwise. */
    public static final String DEFAULT_SYSTEM_PROMPT = ChatEndpointOptions.DEFAULT_SYSTEM_PROMPT;

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
    private final long maxAnswerBytes;
    private final boolean allowInsecureKey;

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
        this.maxAnswerBytes = b.maxAnswerBytes;
        this.allowInsecureKey = b.allowInsecureKey;
    }

    /**
     * Reads {@code openai:http://host:8000/v1?model=...&max-in-flight=..}: the base URL is what
     * precedes {@code /chat/completions} and {@code /models}; parameters are {@link
     * ChatEndpointOptions}s.
     */
    public static ChatEndpoint parse(String spec) {
        Objects.requireNonNull(spec, "endpoint URI");
        try {
            return parseUnredacted(spec);
        } catch (IllegalArgumentException e) {
            // The message quotes the URI: never with a password written into it.
            throw new IllegalArgumentException(redacted(e.getMessage()));
        }
    }

    /** {@code text} with the user info of any URL in it ({@code //user:password@}) blanked. */
    static String redacted(String text) {
        return text == null ? null : USER_INFO.matcher(text).replaceAll("//***@");
    }

    private static ChatEndpoint parseUnredacted(String spec) {
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
        Map<String, String> parameters = new LinkedHashMap<>();
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
                parameters.put(key, value);
            }
        }
        builder.withAll(parameters);
        return builder.build();
    }

    /** A builder with every optional setting at its default. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these settings, to change some of them. */
    public Builder toBuilder() {
        Builder b = builder().setBaseUri(baseUri);
        b.model = model;
        b.modelVersion = modelVersion;
        b.apiKeyEnv = apiKeyEnv;
        b.maxInFlight = maxInFlight;
        b.timeout = timeout;
        b.totalTimeout = totalTimeout;
        b.connectTimeout = connectTimeout;
        b.retries = retries;
        b.backoff = backoff;
        b.maxBackoff = maxBackoff;
        b.maxRetryAfter = maxRetryAfter;
        b.circuitFailures = circuitFailures;
        b.circuitCoolDown = circuitCoolDown;
        b.maxTokens = maxTokens;
        b.temperature = temperature;
        b.systemPrompt = systemPrompt;
        b.maxAnswerBytes = maxAnswerBytes;
        b.allowInsecureKey = allowInsecureKey;
        return b;
    }

    /** The URI form, which {@link #parse} reads back; settings at their default are left out. */
    public String toUri() {
        StringBuilder sb = new StringBuilder(SCHEME).append(':').append(baseUri);
        char sep = '?';
        for (Map.Entry<ConfigOption<?>, Object> e : values().entrySet()) {
            Object value = e.getValue();
            if (value == null || value.equals(e.getKey().defaultValue())) {
                continue;
            }
            String text =
                    value instanceof Duration d
                            ? TimeUtils.formatWithHighestUnit(d)
                            : String.valueOf(value);
            sb.append(sep)
                    .append(e.getKey().key())
                    .append('=')
                    .append(URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20"));
            sep = '&';
        }
        return sb.toString();
    }

    private Map<ConfigOption<?>, Object> values() {
        Map<ConfigOption<?>, Object> v = new LinkedHashMap<>();
        v.put(ChatEndpointOptions.MODEL, model);
        v.put(ChatEndpointOptions.MODEL_VERSION, modelVersion);
        v.put(ChatEndpointOptions.API_KEY_ENV, apiKeyEnv);
        v.put(ChatEndpointOptions.MAX_IN_FLIGHT, maxInFlight);
        v.put(ChatEndpointOptions.TIMEOUT, timeout);
        v.put(ChatEndpointOptions.TOTAL_TIMEOUT, totalTimeout);
        v.put(ChatEndpointOptions.CONNECT_TIMEOUT, connectTimeout);
        v.put(ChatEndpointOptions.RETRIES, retries);
        v.put(ChatEndpointOptions.BACKOFF, backoff);
        v.put(ChatEndpointOptions.MAX_BACKOFF, maxBackoff);
        v.put(ChatEndpointOptions.MAX_RETRY_AFTER, maxRetryAfter);
        v.put(ChatEndpointOptions.CIRCUIT_FAILURES, circuitFailures);
        v.put(ChatEndpointOptions.CIRCUIT_COOL_DOWN, circuitCoolDown);
        v.put(ChatEndpointOptions.MAX_TOKENS, maxTokens);
        v.put(ChatEndpointOptions.TEMPERATURE, temperature);
        v.put(ChatEndpointOptions.SYSTEM_PROMPT, systemPrompt);
        v.put(ChatEndpointOptions.MAX_ANSWER_BYTES, new MemorySize(maxAnswerBytes));
        v.put(ChatEndpointOptions.ALLOW_INSECURE_KEY, allowInsecureKey);
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

    /** Largest answer read from the server, in bytes. */
    public long maxAnswerBytes() {
        return maxAnswerBytes;
    }

    /** Whether the api key may go over plain http://. */
    public boolean allowInsecureKey() {
        return allowInsecureKey;
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
        private int maxInFlight = ChatEndpointOptions.MAX_IN_FLIGHT.defaultValue();
        private Duration timeout = ChatEndpointOptions.TIMEOUT.defaultValue();
        private Duration totalTimeout = ChatEndpointOptions.TOTAL_TIMEOUT.defaultValue();
        private Duration connectTimeout = ChatEndpointOptions.CONNECT_TIMEOUT.defaultValue();
        private int retries = ChatEndpointOptions.RETRIES.defaultValue();
        private Duration backoff = ChatEndpointOptions.BACKOFF.defaultValue();
        private Duration maxBackoff = ChatEndpointOptions.MAX_BACKOFF.defaultValue();
        private Duration maxRetryAfter = ChatEndpointOptions.MAX_RETRY_AFTER.defaultValue();
        private int circuitFailures = ChatEndpointOptions.CIRCUIT_FAILURES.defaultValue();
        private Duration circuitCoolDown = ChatEndpointOptions.CIRCUIT_COOL_DOWN.defaultValue();
        private int maxTokens = ChatEndpointOptions.MAX_TOKENS.defaultValue();
        private double temperature = ChatEndpointOptions.TEMPERATURE.defaultValue();
        private String systemPrompt = ChatEndpointOptions.SYSTEM_PROMPT.defaultValue();
        private long maxAnswerBytes =
                ChatEndpointOptions.MAX_ANSWER_BYTES.defaultValue().getBytes();
        private boolean allowInsecureKey = ChatEndpointOptions.ALLOW_INSECURE_KEY.defaultValue();

        private Builder() {}

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

        public Builder withMaxAnswerBytes(long maxAnswerBytes) {
            this.maxAnswerBytes = maxAnswerBytes;
            return this;
        }

        public Builder withAllowInsecureKey(boolean allowInsecureKey) {
            this.allowInsecureKey = allowInsecureKey;
            return this;
        }

        /**
         * Sets the options named in {@code parameters} (URI query parameters, as text), read by
         * Flink's {@link Configuration}; an unknown name or a value of the wrong kind is refused
         * with a message that names it.
         */
        public Builder withAll(Map<String, String> parameters) {
            Map<String, ConfigOption<?>> known = new LinkedHashMap<>();
            for (ConfigOption<?> option : ChatEndpointOptions.all()) {
                known.put(option.key(), option);
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (Map.Entry<String, String> p : parameters.entrySet()) {
                ConfigOption<?> option = known.get(p.getKey());
                if (option == null) {
                    throw new IllegalArgumentException(
                            "Unknown parameter '"
                                    + p.getKey()
                                    + "' in the "
                                    + SCHEME
                                    + ": endpoint URI; known: "
                                    + String.join(", ", known.keySet()));
                }
                values.put(
                        p.getKey(),
                        option.defaultValue() instanceof Duration
                                ? durationText(p.getKey(), p.getValue())
                                : p.getValue().strip());
            }
            Configuration conf = Configuration.fromMap(values);
            try {
                conf.getOptional(ChatEndpointOptions.MODEL).ifPresent(this::setModel);
                conf.getOptional(ChatEndpointOptions.MODEL_VERSION)
                        .ifPresent(this::withModelVersion);
                conf.getOptional(ChatEndpointOptions.API_KEY_ENV).ifPresent(this::withApiKeyEnv);
                conf.getOptional(ChatEndpointOptions.MAX_IN_FLIGHT)
                        .ifPresent(this::withMaxInFlight);
                conf.getOptional(ChatEndpointOptions.TIMEOUT).ifPresent(this::withTimeout);
                conf.getOptional(ChatEndpointOptions.TOTAL_TIMEOUT)
                        .ifPresent(this::withTotalTimeout);
                conf.getOptional(ChatEndpointOptions.CONNECT_TIMEOUT)
                        .ifPresent(this::withConnectTimeout);
                conf.getOptional(ChatEndpointOptions.RETRIES).ifPresent(this::withRetries);
                conf.getOptional(ChatEndpointOptions.BACKOFF).ifPresent(this::withBackoff);
                conf.getOptional(ChatEndpointOptions.MAX_BACKOFF).ifPresent(this::withMaxBackoff);
                conf.getOptional(ChatEndpointOptions.MAX_RETRY_AFTER)
                        .ifPresent(this::withMaxRetryAfter);
                conf.getOptional(ChatEndpointOptions.CIRCUIT_FAILURES)
                        .ifPresent(this::withCircuitFailures);
                conf.getOptional(ChatEndpointOptions.CIRCUIT_COOL_DOWN)
                        .ifPresent(this::withCircuitCoolDown);
                conf.getOptional(ChatEndpointOptions.MAX_TOKENS).ifPresent(this::withMaxTokens);
                conf.getOptional(ChatEndpointOptions.TEMPERATURE).ifPresent(this::withTemperature);
                conf.getOptional(ChatEndpointOptions.SYSTEM_PROMPT)
                        .ifPresent(this::withSystemPrompt);
                conf.getOptional(ChatEndpointOptions.MAX_ANSWER_BYTES)
                        .ifPresent(size -> withMaxAnswerBytes(size.getBytes()));
                conf.getOptional(ChatEndpointOptions.ALLOW_INSECURE_KEY)
                        .ifPresent(this::withAllowInsecureKey);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "In the " + SCHEME + ": endpoint URI: " + e.getMessage(), e);
            }
            return this;
        }

        /**
         * A duration parameter as Flink reads it. A unit is required (Flink would read a bare
         * number as milliseconds, which a user writing {@code timeout=30} did not mean); ISO-8601
         * ({@code PT30S}) is accepted too.
         */
        private static String durationText(String key, String text) {
            String value = text.strip();
            try {
                if (value.startsWith("P") || value.startsWith("p")) {
                    return Duration.parse(value).toMillis() + "ms";
                }
                if (!value.isEmpty() && !Character.isDigit(value.charAt(value.length() - 1))) {
                    TimeUtils.parseDuration(value);
                    return value;
                }
            } catch (DateTimeParseException | IllegalArgumentException e) {
                // The message below says what is expected.
            }
            throw new IllegalArgumentException(
                    key
                            + "='"
                            + text
                            + "' is not a duration; write it with a unit, e.g. 500ms, 30s, 2min,"
                            + " 1h");
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
            if (baseUri != null && baseUri.getRawUserInfo() != null) {
                problems.add(
                        "the base URL holds credentials (user:password@host): they would end up in"
                                + " logs and dead letters; name the key with api-key-env instead");
            }
            if (apiKeyEnv != null && apiKeyEnv.isBlank()) {
                problems.add("api-key-env is empty: name an environment variable or leave it out");
            }
            if (apiKeyEnv != null
                    && baseUri != null
                    && "http".equals(baseUri.getScheme())
                    && !allowInsecureKey) {
                problems.add(
                        "api-key-env sends the key as a bearer token, and over plain http:// anyone"
                                + " on the network path can read it: use https://, or set"
                                + " allow-insecure-key=true for a network you trust");
            }
            if (maxAnswerBytes <= 0) {
                problems.add("max-answer-bytes must be positive, got " + maxAnswerBytes);
            }
            positive(problems, ChatEndpointOptions.MAX_IN_FLIGHT, maxInFlight);
            positive(problems, ChatEndpointOptions.TIMEOUT, timeout);
            positive(problems, ChatEndpointOptions.TOTAL_TIMEOUT, totalTimeout);
            positive(problems, ChatEndpointOptions.CONNECT_TIMEOUT, connectTimeout);
            if (retries < 0) {
                problems.add("retries must be 0 or more, got " + retries);
            }
            if (backoff.isNegative() || maxBackoff.isNegative() || maxRetryAfter.isNegative()) {
                problems.add("backoff, max-backoff and max-retry-after must not be negative");
            }
            positive(problems, ChatEndpointOptions.CIRCUIT_FAILURES, circuitFailures);
            positive(problems, ChatEndpointOptions.CIRCUIT_COOL_DOWN, circuitCoolDown);
            positive(problems, ChatEndpointOptions.MAX_TOKENS, maxTokens);
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

        private static void positive(List<String> problems, ConfigOption<?> option, long value) {
            if (value <= 0) {
                problems.add(option.key() + " must be positive, got " + value);
            }
        }

        private static void positive(
                List<String> problems, ConfigOption<?> option, Duration value) {
            if (value == null || value.isZero() || value.isNegative()) {
                problems.add(option.key() + " must be a positive duration, got " + value);
            }
        }
    }
}
