package io.vlstream.texts;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a subtitle or label file into {@link TextSpan}s: its size checked before it is read, its
 * bytes required to be UTF-8, at most {@link #MAX_SPANS} spans.
 */
public final class TimedTextFile {

    /** Largest file read, unless the caller says otherwise. */
    public static final long DEFAULT_MAX_BYTES = 64L << 20;

    /** Most spans one file may hold; past it, the rest is a problem, not memory. */
    public static final int MAX_SPANS = 1_000_000;

    private TimedTextFile() {}

    /**
     * What a file held: the spans read, in file order, and the problems met, each naming its line
     * (or JSON item); a file with problems still gives the spans that could be read.
     */
    public record Parsed(List<TextSpan> spans, List<String> problems) {

        public Parsed {
            spans = List.copyOf(spans);
            problems = List.copyOf(problems);
        }

        /** Collects spans and problems while a reader goes through a file. */
        static final class Builder {
            private final List<TextSpan> spans = new ArrayList<>();
            private final List<String> problems = new ArrayList<>();
            private boolean full;

            Builder span(TextSpan span) {
                if (spans.size() < MAX_SPANS) {
                    spans.add(span);
                } else if (!full) {
                    full = true;
                    problem(
                            span.line(),
                            "more than " + MAX_SPANS + " spans; the rest were not read");
                }
                return this;
            }

            Builder problem(long line, String message) {
                problems.add((line > 0 ? "line " + line + ": " : "") + message);
                return this;
            }

            Parsed build() {
                return new Parsed(spans, problems);
            }
        }
    }

    /** Reads {@code file} as {@code format}, refusing a file over {@code maxBytes} or not UTF-8. */
    public static Parsed read(Path file, TextFormat format, long maxBytes) throws IOException {
        long size = Files.size(file);
        if (size > maxBytes) {
            throw new IOException(
                    file
                            + " is "
                            + size
                            + " bytes; the limit is "
                            + maxBytes
                            + " (--max-file-bytes)");
        }
        String content;
        try {
            content =
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(Files.readAllBytes(file)))
                            .toString();
        } catch (CharacterCodingException e) {
            throw new IOException(file + " is not UTF-8 text; convert it first (e.g. iconv)", e);
        }
        return switch (format) {
            case SRT -> Subtitles.srt(content);
            case VTT -> Subtitles.vtt(content);
            case CSV -> LabelFiles.csv(content);
            case JSON -> LabelFiles.json(content);
        };
    }
}
