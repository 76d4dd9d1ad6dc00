package io.vlstream.texts;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/** The timed-text file formats {@code vlstream texts} reads. */
public enum TextFormat {
    /** SubRip subtitles: numbered cues, {@code 00:01:02,500 --> 00:01:04,000}. */
    SRT("subtitle"),
    /** WebVTT subtitles: a {@code WEBVTT} header, cues with {@code 01:02.500 --> 01:04.000}. */
    VTT("subtitle"),
    /**
     * A label file: a header row naming {@code start}, {@code end}, {@code text}, and optionally
     * {@code id} and {@code kind}; times in seconds or as {@code hh:mm:ss.mmm}.
     */
    CSV("label"),
    /** A label file: an array of objects with the same fields as the CSV's columns. */
    JSON("label");

    private final String defaultKind;

    TextFormat(String defaultKind) {
        this.defaultKind = defaultKind;
    }

    /** What a text of this format is unless the file or the command says otherwise. */
    public String defaultKind() {
        return defaultKind;
    }

    /** The format named {@code srt}, {@code vtt}, {@code csv} or {@code json}, in any case. */
    public static Optional<TextFormat> named(String name) {
        for (TextFormat f : values()) {
            if (f.name().equalsIgnoreCase(name.strip())) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /**
     * The format a file's extension names ({@code .srt}, {@code .vtt}, {@code .csv}, {@code
     * .json}).
     */
    public static Optional<TextFormat> ofFile(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        return switch (name.substring(dot + 1)) {
            case "srt" -> Optional.of(SRT);
            case "vtt", "webvtt" -> Optional.of(VTT);
            case "csv" -> Optional.of(CSV);
            case "json" -> Optional.of(JSON);
            default -> Optional.empty();
        };
    }
}
