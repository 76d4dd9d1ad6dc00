package io.vlstream.texts;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads SubRip (.srt) and WebVTT (.vtt) subtitles into {@link TextSpan}s, cue by cue. A cue that
 * cannot be read becomes a problem naming its line; the others are still read. Markup ({@code <i>},
 * {@code <v Bob>}, inline timestamps) is dropped from the text.
 */
final class Subtitles {

    /** A tag: no nesting, no backtracking (a character class and a literal). */
    private static final Pattern TAG = Pattern.compile("<[^<>]*>");

    private static final Pattern LINES = Pattern.compile("\r\n|\n|\r");

    private Subtitles() {}

    /** SubRip: blocks of an optional number, a timing line and the text. */
    static TimedTextFile.Parsed srt(String content) {
        TimedTextFile.Parsed.Builder out = new TimedTextFile.Parsed.Builder();
        for (Block block : blocks(content)) {
            List<String> lines = block.lines();
            int timing = lines.get(0).contains("-->") ? 0 : 1;
            String id = timing == 1 ? lines.get(0).strip() : null;
            cue(block, timing, id, out);
        }
        return out.build();
    }

    /** WebVTT: a WEBVTT header, then cues (optional identifier, timing with settings, payload). */
    static TimedTextFile.Parsed vtt(String content) {
        TimedTextFile.Parsed.Builder out = new TimedTextFile.Parsed.Builder();
        List<Block> blocks = blocks(content);
        if (blocks.isEmpty() || !blocks.get(0).lines().get(0).startsWith("WEBVTT")) {
            return out.problem(1, "not a WebVTT file: it must start with WEBVTT").build();
        }
        for (Block block : blocks.subList(1, blocks.size())) {
            String first = block.lines().get(0);
            String word = first.split("[ \t]", 2)[0].toUpperCase(Locale.ROOT);
            if (!first.contains("-->")
                    && (word.equals("NOTE") || word.equals("STYLE") || word.equals("REGION"))) {
                continue;
            }
            int timing = first.contains("-->") ? 0 : 1;
            cue(block, timing, timing == 1 ? first.strip() : null, out);
        }
        return out.build();
    }

    private static void cue(Block block, int timing, String id, TimedTextFile.Parsed.Builder out) {
        List<String> lines = block.lines();
        int line = block.firstLine() + timing;
        if (timing >= lines.size() || !lines.get(timing).contains("-->")) {
            out.problem(block.firstLine(), "no 'start --> end' timing line in this cue");
            return;
        }
        String[] times = lines.get(timing).split("-->", 2);
        long start;
        long end;
        try {
            start = TimeSpans.clockMicros(times[0]);
            // WebVTT cue settings follow the end time.
            end = TimeSpans.clockMicros(times[1].strip().split("[ \t]", 2)[0]);
        } catch (IllegalArgumentException e) {
            out.problem(line, e.getMessage());
            return;
        }
        StringBuilder text = new StringBuilder();
        for (String payload : lines.subList(timing + 1, lines.size())) {
            if (text.length() > 0) {
                text.append('\n');
            }
            text.append(payload.strip());
        }
        out.span(new TextSpan(start, end, plain(text.toString()), id, null, line));
    }

    /** The text without markup, with WebVTT's few character references resolved. */
    static String plain(String text) {
        return TAG.matcher(text)
                .replaceAll("")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&nbsp;", " ")
                .replace("&amp;", "&")
                .strip();
    }

    /** Lines between blank lines, with the line number of each block's first line. */
    private record Block(int firstLine, List<String> lines) {}

    private static List<Block> blocks(String content) {
        String text = content.startsWith("\uFEFF") ? content.substring(1) : content;
        String[] lines = LINES.split(text, -1);
        List<Block> blocks = new ArrayList<>();
        List<String> current = new ArrayList<>();
        int first = 0;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                if (!current.isEmpty()) {
                    blocks.add(new Block(first, current));
                    current = new ArrayList<>();
                }
            } else {
                if (current.isEmpty()) {
                    first = i + 1;
                }
                current.add(lines[i]);
            }
        }
        if (!current.isEmpty()) {
            blocks.add(new Block(first, current));
        }
        return blocks;
    }
}
