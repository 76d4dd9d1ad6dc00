package io.vlstream.texts;

import java.util.Objects;

/**
 * One timed text read from a file, its times relative to the file's zero (the video's start).
 *
 * @param startMicros span start, from the file's zero
 * @param endMicros span end, from the file's zero
 * @param id the file's own id for it (cue identifier, label id), or null
 * @param kind what it is (subtitle, label, ...), or null for the file's default
 * @param line where it starts in the file, 1-based, for messages
 */
public record TextSpan(
        long startMicros, long endMicros, String text, String id, String kind, int line) {

    public TextSpan {
        Objects.requireNonNull(text, "text");
    }
}
