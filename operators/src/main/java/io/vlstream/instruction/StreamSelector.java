package io.vlstream.instruction;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Decides whether an instruction applies to a stream: listed ids, a glob, or every stream. */
public final class StreamSelector {

    private static final Map<String, PathMatcher> GLOBS = new ConcurrentHashMap<>();

    private StreamSelector() {}

    /**
     * @param streamIds ids the instruction names (may be empty)
     * @param glob a glob over stream ids such as {@code lobby-*} (may be null)
     * @return true when both are empty, or the stream is listed or matches the glob
     */
    public static boolean selects(List<String> streamIds, String glob, String streamId) {
        boolean noGlob = glob == null || glob.isBlank();
        if (streamIds.isEmpty() && noGlob) {
            return true;
        }
        if (streamIds.contains(streamId)) {
            return true;
        }
        return !noGlob
                && GLOBS.computeIfAbsent(
                                glob, g -> FileSystems.getDefault().getPathMatcher("glob:" + g))
                        .matches(Path.of(streamId));
    }

    /** Checks a glob compiles; returns the problem, or null when it does. */
    public static String checkGlob(String glob) {
        if (glob == null || glob.isBlank()) {
            return null;
        }
        try {
            FileSystems.getDefault().getPathMatcher("glob:" + glob);
            return null;
        } catch (RuntimeException e) {
            return "stream glob '" + glob + "' is not a valid glob: " + e.getMessage();
        }
    }
}
