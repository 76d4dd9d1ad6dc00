package io.vlstream.decode;

import io.vlstream.avro.ReasonCode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Checks of single producer-supplied fields against {@link InputLimits}. Each returns the {@link
 * Violation}, or null when the field is fine; none throws, and each looks at a field at most once.
 */
public final class FieldChecks {

    /** Characters of a producer's value quoted in a message. */
    static final int PREVIEW_CHARS = 64;

    private FieldChecks() {}

    /**
     * An id (stream, instruction, text): not blank, at most {@code maxChars} characters, printable
     * characters only (no control, format or bidi characters, no unpaired surrogates, nothing that
     * was not valid UTF-8).
     */
    public static Violation id(String field, String value, int maxChars) {
        if (value == null || value.isBlank()) {
            return new Violation(ReasonCode.INVALID_ID, field + " is blank");
        }
        Violation length = length(field, value, maxChars);
        if (length != null) {
            return length;
        }
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            if (!isPrintable(cp)) {
                return new Violation(
                        ReasonCode.INVALID_ID,
                        field
                                + " '"
                                + preview(value)
                                + "' has "
                                + String.format("U+%04X", cp)
                                + " at index "
                                + i
                                + "; ids take printable characters only");
            }
            i += Character.charCount(cp);
        }
        return null;
    }

    /** A text: at most {@code maxChars} characters (null is fine; blankness is the caller's). */
    public static Violation length(String field, String value, int maxChars) {
        if (value != null && value.length() > maxChars) {
            return new Violation(
                    ReasonCode.FIELD_TOO_LONG,
                    field
                            + " has "
                            + value.length()
                            + " characters; the limit is "
                            + maxChars
                            + " ('"
                            + preview(value)
                            + "…')");
        }
        return null;
    }

    /** A count of entries: at most {@code max}. */
    public static Violation count(String field, int count, int max) {
        if (count > max) {
            return new Violation(
                    ReasonCode.FIELD_TOO_LONG,
                    field + " has " + count + " entries; the limit is " + max);
        }
        return null;
    }

    /** A metadata map: at most {@code maxEntries} entries and {@code maxBytes} UTF-8 bytes. */
    public static Violation metadata(Map<String, String> metadata, int maxEntries, int maxBytes) {
        if (metadata == null) {
            return null;
        }
        Violation entries = count("metadata", metadata.size(), maxEntries);
        if (entries != null) {
            return entries;
        }
        long bytes = 0;
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            bytes += utf8Length(e.getKey()) + utf8Length(e.getValue());
        }
        if (bytes > maxBytes) {
            return new Violation(
                    ReasonCode.FIELD_TOO_LONG,
                    "metadata has "
                            + bytes
                            + " bytes of keys and values; the limit is "
                            + maxBytes);
        }
        return null;
    }

    /**
     * A producer's timestamp against the task manager's clock: not before 1970, at most {@code
     * ahead} after {@code nowMicros} and, unless {@code behind} is zero, at most {@code behind}
     * before it.
     */
    public static Violation timestamp(
            String field, long micros, long nowMicros, Duration ahead, Duration behind) {
        if (micros < 0) {
            return new Violation(
                    ReasonCode.TIMESTAMP_OUT_OF_RANGE,
                    field + " " + micros + " is before 1970; a clock is wrong");
        }
        if (micros - nowMicros > ahead.toNanos() / 1_000) {
            return outOfWindow(field, micros, micros - nowMicros, "ahead of", ahead, "ahead");
        }
        if (!behind.isZero() && nowMicros - micros > behind.toNanos() / 1_000) {
            return outOfWindow(field, micros, nowMicros - micros, "behind", behind, "behind");
        }
        return null;
    }

    private static Violation outOfWindow(
            String field, long micros, long offMicros, String where, Duration limit, String key) {
        return new Violation(
                ReasonCode.TIMESTAMP_OUT_OF_RANGE,
                field
                        + " "
                        + micros
                        + " is "
                        + offMicros / 1_000_000
                        + " s "
                        + where
                        + " this task manager's clock; the limit is "
                        + limit.toSeconds()
                        + " s (vlstream.limits.max-pts-"
                        + key
                        + ")");
    }

    /** A Kafka record key: at most {@code maxBytes} bytes. */
    public static Violation key(byte[] key, int maxBytes) {
        if (key != null && key.length > maxBytes) {
            return new Violation(
                    ReasonCode.FIELD_TOO_LONG,
                    "record key has " + key.length + " bytes; the limit is " + maxBytes);
        }
        return null;
    }

    /**
     * The start of a producer's value for a message: at most 64 characters, anything unprintable
     * written as {@code \\uXXXX}.
     */
    public static String preview(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < value.length() && out.length() < PREVIEW_CHARS) {
            int cp = value.codePointAt(i);
            if (isPrintable(cp)) {
                out.appendCodePoint(cp);
            } else {
                out.append(String.format("\\u%04X", cp));
            }
            i += Character.charCount(cp);
        }
        return out.toString();
    }

    /** Whether a code point may stand in an id. */
    static boolean isPrintable(int cp) {
        if (cp == 0xFFFD) {
            // What a decoder puts for bytes that were not UTF-8.
            return false;
        }
        switch (Character.getType(cp)) {
            case Character.CONTROL:
            case Character.FORMAT:
            case Character.SURROGATE:
            case Character.UNASSIGNED:
            case Character.PRIVATE_USE:
            case Character.LINE_SEPARATOR:
            case Character.PARAGRAPH_SEPARATOR:
                return false;
            default:
                return true;
        }
    }

    private static long utf8Length(String s) {
        return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
    }
}
