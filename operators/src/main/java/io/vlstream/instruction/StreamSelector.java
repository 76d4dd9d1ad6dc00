package io.vlstream.instruction;

import io.vlstream.avro.ReasonCode;
import io.vlstream.decode.FieldChecks;
import io.vlstream.decode.InputLimits;
import io.vlstream.decode.Violation;
import java.util.List;
import java.util.Set;

/**
 * Which streams an instruction applies to: listed ids, a glob, or every stream. Built once per
 * instruction; {@link #selects} is a hash lookup plus a {@link StreamGlob} match, which never
 * backtracks.
 */
public final class StreamSelector {

    private static final StreamSelector NONE = new StreamSelector(Set.of(), null, false);

    private final Set<String> ids;
    private final StreamGlob glob;
    private final boolean everyStream;

    private StreamSelector(Set<String> ids, StreamGlob glob, boolean everyStream) {
        this.ids = ids;
        this.glob = glob;
        this.everyStream = everyStream;
    }

    /**
     * The selector of an instruction's {@code streamIds} and {@code streamGlob} (null or blank:
     * none); with neither, every stream.
     *
     * @throws IllegalArgumentException if the glob does not compile
     */
    public static StreamSelector of(List<String> streamIds, String glob) {
        StreamGlob compiled = glob == null || glob.isBlank() ? null : StreamGlob.compile(glob);
        return new StreamSelector(
                Set.copyOf(streamIds), compiled, streamIds.isEmpty() && compiled == null);
    }

    /** A selector that selects nothing: for an instruction whose glob no longer compiles. */
    public static StreamSelector none() {
        return NONE;
    }

    /** Whether the instruction applies to {@code streamId}. */
    public boolean selects(String streamId) {
        return everyStream || ids.contains(streamId) || (glob != null && glob.matches(streamId));
    }

    /**
     * Checks a glob's length, syntax and complexity; returns the violation, or null when it may be
     * used. Linear in the glob's length.
     */
    public static Violation checkGlob(String glob, InputLimits limits) {
        if (glob == null || glob.isBlank()) {
            return null;
        }
        Violation length = FieldChecks.length("streamGlob", glob, limits.maxGlobChars());
        if (length != null) {
            return length;
        }
        StreamGlob compiled;
        try {
            compiled = StreamGlob.compile(glob);
        } catch (IllegalArgumentException e) {
            return new Violation(
                    ReasonCode.INVALID_INSTRUCTION,
                    "stream glob '"
                            + FieldChecks.preview(glob)
                            + "' is not a valid glob: "
                            + e.getMessage());
        }
        if (compiled.wildcards() > limits.maxGlobWildcards()) {
            return new Violation(
                    ReasonCode.GLOB_TOO_COMPLEX,
                    "stream glob '"
                            + FieldChecks.preview(glob)
                            + "' has "
                            + compiled.wildcards()
                            + " wildcards; the limit is "
                            + limits.maxGlobWildcards()
                            + " (vlstream.limits.max-glob-wildcards)");
        }
        return null;
    }
}
