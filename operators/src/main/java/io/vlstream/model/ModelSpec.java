package io.vlstream.model;

import java.io.Serializable;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which model a job runs for a role, as configured: {@code scheme:location[?key=value&...]}.
 *
 * <pre>
 * builtin:coco-centernet
 * savedmodel:/models/clip?image-signature=encode_image&amp;text-signature=encode_text
 * openai:http://host:8000/v1?model=Qwen2-VL-7B-Instruct
 * </pre>
 *
 * Parsing checks only the syntax and the scheme; what the location and parameters mean is the
 * adapter's business ({@link Models}). Values are percent-decoded; keys are case-sensitive.
 */
public final class ModelSpec implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The engines a spec can name. */
    public enum Scheme {
        /** A model that ships with vlstream, by name. */
        BUILTIN,
        /** A TensorFlow SavedModel directory, run in-process. */
        SAVEDMODEL,
        /** An OpenAI-compatible chat-completions endpoint (base URL), called over HTTP. */
        OPENAI;

        /** The scheme as written in a spec. */
        public String prefix() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final String text;
    private final Scheme scheme;
    private final String location;
    private final Map<String, String> params;

    private ModelSpec(String text, Scheme scheme, String location, Map<String, String> params) {
        this.text = text;
        this.scheme = scheme;
        this.location = location;
        this.params = params;
    }

    /**
     * Parses a spec.
     *
     * @throws ModelConfigurationException naming what was expected and what was found
     */
    public static ModelSpec parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new ModelConfigurationException(
                    "Model spec is empty; expected scheme:location[?key=value&...] with scheme one"
                            + " of "
                            + schemes());
        }
        String text = spec.strip();
        int colon = text.indexOf(':');
        if (colon < 1) {
            throw new ModelConfigurationException(
                    "Model spec '"
                            + text
                            + "' has no scheme; expected scheme:location[?key=value&...] with"
                            + " scheme one of "
                            + schemes());
        }
        String schemeText = text.substring(0, colon);
        Scheme scheme = null;
        for (Scheme s : Scheme.values()) {
            if (s.prefix().equals(schemeText.toLowerCase(Locale.ROOT))) {
                scheme = s;
            }
        }
        if (scheme == null) {
            throw new ModelConfigurationException(
                    "Model spec '"
                            + text
                            + "' has unknown scheme '"
                            + schemeText
                            + "'; expected one of "
                            + schemes());
        }
        String rest = text.substring(colon + 1);
        int question = rest.indexOf('?');
        String location = question < 0 ? rest : rest.substring(0, question);
        if (location.isEmpty()) {
            throw new ModelConfigurationException(
                    "Model spec '"
                            + text
                            + "' has no location after '"
                            + schemeText
                            + ":'; expected "
                            + example(scheme));
        }
        Map<String, String> params = new LinkedHashMap<>();
        if (question >= 0 && question < rest.length() - 1) {
            for (String pair : rest.substring(question + 1).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                if (eq < 1) {
                    throw new ModelConfigurationException(
                            "Model spec '"
                                    + text
                                    + "' has parameter '"
                                    + pair
                                    + "' without a value; expected key=value");
                }
                String key = decode(pair.substring(0, eq));
                if (params.put(key, decode(pair.substring(eq + 1))) != null) {
                    throw new ModelConfigurationException(
                            "Model spec '" + text + "' sets parameter '" + key + "' twice");
                }
            }
        }
        return new ModelSpec(text, scheme, decode(location), Collections.unmodifiableMap(params));
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String schemes() {
        StringBuilder out = new StringBuilder();
        for (Scheme s : Scheme.values()) {
            out.append(out.length() == 0 ? "" : ", ").append(s.prefix()).append(':');
        }
        return out.toString();
    }

    public static String example(Scheme scheme) {
        switch (scheme) {
            case BUILTIN:
                return "builtin:coco-centernet";
            case SAVEDMODEL:
                return "savedmodel:/path/to/saved_model_dir?key=value";
            default:
                return "openai:http://host:8000/v1?model=NAME";
        }
    }

    public Scheme scheme() {
        return scheme;
    }

    /** The builtin model's name, the SavedModel directory, or the endpoint's base URL. */
    public String location() {
        return location;
    }

    /** All parameters, in the order written. */
    public Map<String, String> params() {
        return params;
    }

    public Optional<String> param(String key) {
        return Optional.ofNullable(params.get(key));
    }

    public String param(String key, String defaultValue) {
        return params.getOrDefault(key, defaultValue);
    }

    /** An integer parameter, or the default when absent. */
    public int intParam(String key, int defaultValue) {
        String value = params.get(key);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw badValue(key, value, "an integer");
        }
    }

    /** A number parameter, or empty when absent. */
    public Optional<Float> floatParam(String key) {
        String value = params.get(key);
        if (value == null) {
            return Optional.empty();
        }
        try {
            float f = Float.parseFloat(value.strip());
            if (!Float.isFinite(f)) {
                throw badValue(key, value, "a finite number");
            }
            return Optional.of(f);
        } catch (NumberFormatException e) {
            throw badValue(key, value, "a number");
        }
    }

    /** A number parameter, or the default when absent. */
    public float floatParam(String key, float defaultValue) {
        return floatParam(key).orElse(defaultValue);
    }

    /** A comma-separated list of numbers of the given length, or empty when absent. */
    public Optional<float[]> floatsParam(String key, int length) {
        String value = params.get(key);
        if (value == null) {
            return Optional.empty();
        }
        String[] parts = value.split(",");
        if (parts.length != length) {
            throw badValue(key, value, length + " comma-separated numbers");
        }
        float[] out = new float[length];
        for (int i = 0; i < length; i++) {
            try {
                out[i] = Float.parseFloat(parts[i].strip());
            } catch (NumberFormatException e) {
                throw badValue(key, value, length + " comma-separated numbers");
            }
        }
        return Optional.of(out);
    }

    /** One of {@code allowed} (case-insensitive, returned lower-case), or the default. */
    public String choiceParam(String key, String defaultValue, String... allowed) {
        String value = params.get(key);
        if (value == null) {
            return defaultValue;
        }
        String v = value.strip().toLowerCase(Locale.ROOT);
        for (String a : allowed) {
            if (a.equals(v)) {
                return v;
            }
        }
        throw badValue(key, value, "one of " + String.join(", ", allowed));
    }

    /**
     * Fails when a parameter is not one {@code known} to the adapter, so a typo does not pass
     * silently as a default.
     */
    public void requireKnownParams(String role, Set<String> known) {
        Set<String> unknown = new TreeSet<>(params.keySet());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw new ModelConfigurationException(
                    "Model spec '"
                            + text
                            + "' for the "
                            + role
                            + " has unknown parameter(s) "
                            + unknown
                            + "; expected some of "
                            + new TreeSet<>(known));
        }
    }

    ModelConfigurationException badValue(String key, String value, String expected) {
        return new ModelConfigurationException(
                "Model spec '"
                        + text
                        + "': parameter '"
                        + key
                        + "' is '"
                        + value
                        + "', expected "
                        + expected);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelSpec other && text.equals(other.text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    /** The spec as written. */
    @Override
    public String toString() {
        return text;
    }
}
