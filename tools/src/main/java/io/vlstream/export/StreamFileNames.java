package io.vlstream.export;

/**
 * A stream id as part of a file name: ids come from producers, so only {@code [A-Za-z0-9._-]} is
 * kept (no separator, no {@code ..}, no NUL) and the result is cut to fit any file system's limit.
 */
public final class StreamFileNames {

    /** Characters of the id kept: room for a suffix within the usual 255-byte name limit. */
    static final int MAX_CHARS = 100;

    private StreamFileNames() {}

    /** {@code streamId} made safe to put in a file name. */
    public static String of(String streamId) {
        String safe = streamId.replaceAll("[^A-Za-z0-9._-]", "_");
        if (safe.isEmpty() || safe.startsWith(".")) {
            safe = "stream" + safe;
        }
        return safe.length() > MAX_CHARS ? safe.substring(0, MAX_CHARS) : safe;
    }
}
