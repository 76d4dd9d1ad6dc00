package io.vlstream.decode;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * Limits on every producer-supplied field, checked where a record is read and before any work is
 * done on it, so that no single record (of any size, id, pattern or timestamp) can stall or stop
 * the job. A record past a limit goes to the DLQ with its own reason.
 *
 * @param maxIdChars longest stream, instruction or text id, in characters
 * @param maxKeyBytes longest Kafka record key, in bytes
 * @param maxTextChars longest instruction text, caption prompt or timed text, in characters
 * @param maxGlobChars longest stream glob, in characters
 * @param maxGlobWildcards most wildcards ({@code *}, {@code ?}, classes, alternatives) in a glob
 * @param maxMediaTypeChars longest media type, in characters
 * @param maxMetadataEntries most entries in a frame's metadata map
 * @param maxMetadataBytes most UTF-8 bytes of a frame's metadata keys and values together
 * @param maxStreamIds most stream ids one instruction may list
 * @param maxTerms most terms (objects and relations) one instruction may compile to
 * @param maxActiveInstructions most instructions active at once, over all streams
 * @param maxPtsAhead how far a frame's pts may be ahead of the task manager's clock
 * @param maxPtsBehind how far it may be behind it; zero: no limit (replays of old video)
 * @param maxTextSpan longest time span of a timed text
 */
public record InputLimits(
        int maxIdChars,
        int maxKeyBytes,
        int maxTextChars,
        int maxGlobChars,
        int maxGlobWildcards,
        int maxMediaTypeChars,
        int maxMetadataEntries,
        int maxMetadataBytes,
        int maxStreamIds,
        int maxTerms,
        int maxActiveInstructions,
        Duration maxPtsAhead,
        Duration maxPtsBehind,
        Duration maxTextSpan)
        implements Serializable {

    /** Longest time limit: 10 years, so that microseconds never overflow. */
    private static final Duration MAX_DURATION = Duration.ofDays(3650);

    public InputLimits {
        requirePositive("maxIdChars", maxIdChars);
        requirePositive("maxKeyBytes", maxKeyBytes);
        requirePositive("maxTextChars", maxTextChars);
        requirePositive("maxGlobChars", maxGlobChars);
        requirePositive("maxGlobWildcards", maxGlobWildcards);
        requirePositive("maxMediaTypeChars", maxMediaTypeChars);
        requirePositive("maxMetadataEntries", maxMetadataEntries);
        requirePositive("maxMetadataBytes", maxMetadataBytes);
        requirePositive("maxStreamIds", maxStreamIds);
        requirePositive("maxTerms", maxTerms);
        requirePositive("maxActiveInstructions", maxActiveInstructions);
        Objects.requireNonNull(maxPtsAhead, "maxPtsAhead");
        Objects.requireNonNull(maxPtsBehind, "maxPtsBehind");
        Objects.requireNonNull(maxTextSpan, "maxTextSpan");
        for (Duration d : new Duration[] {maxPtsAhead, maxPtsBehind, maxTextSpan}) {
            if (d.compareTo(MAX_DURATION) > 0) {
                throw new IllegalArgumentException(
                        "time limits must be at most " + MAX_DURATION.toDays() + " days, got " + d);
            }
        }
        if (maxPtsAhead.isNegative()
                || maxPtsBehind.isNegative()
                || maxTextSpan.isZero()
                || maxTextSpan.isNegative()) {
            throw new IllegalArgumentException(
                    "maxPtsAhead and maxPtsBehind must not be negative and maxTextSpan must be"
                            + " positive, got "
                            + maxPtsAhead
                            + ", "
                            + maxPtsBehind
                            + ", "
                            + maxTextSpan);
        }
    }

    /** The defaults, the same as the {@code vlstream.limits.*} options'. */
    public static InputLimits defaults() {
        return new InputLimits(
                256,
                1024,
                4096,
                256,
                8,
                64,
                64,
                16 * 1024,
                1000,
                16,
                1000,
                Duration.ofMinutes(5),
                Duration.ZERO,
                Duration.ofHours(1));
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
