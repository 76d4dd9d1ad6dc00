package io.vlstream.texts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads label files, one span per row: CSV with a header row (Apache Commons CSV) or a JSON array
 * of objects (Jackson). The fields are {@code start}, {@code end}, {@code text}, and optionally
 * {@code id} and {@code kind}; times are seconds from the video's start ({@code 12.5}) or {@code
 * hh:mm:ss.mmm}. A row that cannot be read becomes a problem naming its line or item.
 */
final class LabelFiles {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LabelFiles() {}

    static TimedTextFile.Parsed csv(String content) {
        TimedTextFile.Parsed.Builder out = new TimedTextFile.Parsed.Builder();
        CSVFormat format =
                CSVFormat.DEFAULT
                        .builder()
                        .setHeader()
                        .setSkipHeaderRecord(true)
                        .setIgnoreHeaderCase(true)
                        .setIgnoreEmptyLines(true)
                        .setTrim(true)
                        .get();
        String text = content.startsWith("\uFEFF") ? content.substring(1) : content;
        try (CSVParser parser = CSVParser.parse(text, format)) {
            Map<String, Integer> header = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            header.putAll(parser.getHeaderMap());
            for (String required : new String[] {"start", "end", "text"}) {
                if (!header.containsKey(required)) {
                    return out.problem(
                                    1,
                                    "the header row has no '"
                                            + required
                                            + "' column (start, end, text; optional id, kind)")
                            .build();
                }
            }
            for (CSVRecord row : parser) {
                int line = (int) Math.min(Integer.MAX_VALUE, parser.getCurrentLineNumber());
                try {
                    out.span(
                            new TextSpan(
                                    TimeSpans.secondsOrClockMicros(row.get("start")),
                                    TimeSpans.secondsOrClockMicros(row.get("end")),
                                    row.get("text"),
                                    optional(row, header, "id"),
                                    optional(row, header, "kind"),
                                    line));
                } catch (IllegalArgumentException e) {
                    out.problem(line, e.getMessage());
                }
            }
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            // Malformed CSV (an unclosed quote, say): what was read before it stands.
            out.problem(0, "the file is not valid CSV: " + e.getMessage());
        }
        return out.build();
    }

    static TimedTextFile.Parsed json(String content) {
        TimedTextFile.Parsed.Builder out = new TimedTextFile.Parsed.Builder();
        JsonNode root;
        try {
            root = JSON.readTree(content);
        } catch (JsonProcessingException e) {
            return out.problem(
                            e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
                            "the file is not valid JSON: " + e.getOriginalMessage())
                    .build();
        }
        if (root == null || !root.isArray()) {
            return out.problem(1, "expected a JSON array of {start, end, text} objects").build();
        }
        for (int i = 0; i < root.size(); i++) {
            JsonNode item = root.get(i);
            int number = i + 1;
            try {
                if (!item.isObject() || !item.path("text").isTextual()) {
                    throw new IllegalArgumentException(
                            "item " + number + " is not an object with a text string");
                }
                out.span(
                        new TextSpan(
                                time(item.path("start"), "start"),
                                time(item.path("end"), "end"),
                                item.path("text").asText(),
                                item.hasNonNull("id") ? item.get("id").asText() : null,
                                item.hasNonNull("kind") ? item.get("kind").asText() : null,
                                number));
            } catch (IllegalArgumentException e) {
                out.problem(number, e.getMessage());
            }
        }
        return out.build();
    }

    private static long time(JsonNode value, String field) {
        if (value.isNumber() || value.isTextual()) {
            return TimeSpans.secondsOrClockMicros(value.asText());
        }
        throw new IllegalArgumentException("'" + field + "' is missing or not a time");
    }

    private static String optional(CSVRecord row, Map<String, Integer> header, String column) {
        Integer index = header.get(column);
        if (index == null || index >= row.size()) {
            return null;
        }
        String value = row.get(index);
        return value.isEmpty() ? null : value;
    }
}
