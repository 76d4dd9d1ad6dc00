package io.vlstream.jobs;

import io.vlstream.decode.InputLimits;
import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;

/**
 * The limits every record is checked against where it is read ({@code vlstream.limits.*}), and the
 * size every output record is made to fit. A record past a limit goes to the DLQ with its own
 * reason; see the README's reliability section.
 */
public final class LimitOptions {

    private static final InputLimits DEFAULTS = InputLimits.defaults();

    public static final ConfigOption<Integer> MAX_ID_CHARS =
            ConfigOptions.key("vlstream.limits.max-id-chars")
                    .intType()
                    .defaultValue(DEFAULTS.maxIdChars())
                    .withDescription(
                            "Longest stream, instruction or text id, in characters. Ids take"
                                    + " printable characters only (no control, format or bidi"
                                    + " characters, nothing that was not valid UTF-8).");

    public static final ConfigOption<Integer> MAX_KEY_BYTES =
            ConfigOptions.key("vlstream.limits.max-key-bytes")
                    .intType()
                    .defaultValue(DEFAULTS.maxKeyBytes())
                    .withDescription(
                            "Longest Kafka record key on any input topic, in bytes; checked before"
                                    + " the value is decoded.");

    public static final ConfigOption<Integer> MAX_TEXT_CHARS =
            ConfigOptions.key("vlstream.limits.max-text-chars")
                    .intType()
                    .defaultValue(DEFAULTS.maxTextChars())
                    .withDescription(
                            "Longest instruction text, caption prompt or timed text, in"
                                    + " characters.");

    public static final ConfigOption<Integer> MAX_GLOB_CHARS =
            ConfigOptions.key("vlstream.limits.max-glob-chars")
                    .intType()
                    .defaultValue(DEFAULTS.maxGlobChars())
                    .withDescription("Longest stream glob of an instruction, in characters.");

    public static final ConfigOption<Integer> MAX_GLOB_WILDCARDS =
            ConfigOptions.key("vlstream.limits.max-glob-wildcards")
                    .intType()
                    .defaultValue(DEFAULTS.maxGlobWildcards())
                    .withDescription(
                            "Most wildcards (*, ?, [...] classes, {...} groups) in a stream glob;"
                                    + " globs are matched in time linear in the id for each"
                                    + " wildcard, and a glob over this is refused when the"
                                    + " instruction is compiled.");

    public static final ConfigOption<Integer> MAX_MEDIA_TYPE_CHARS =
            ConfigOptions.key("vlstream.limits.max-media-type-chars")
                    .intType()
                    .defaultValue(DEFAULTS.maxMediaTypeChars())
                    .withDescription("Longest media type of a frame, in characters.");

    public static final ConfigOption<Integer> MAX_METADATA_ENTRIES =
            ConfigOptions.key("vlstream.limits.max-metadata-entries")
                    .intType()
                    .defaultValue(DEFAULTS.maxMetadataEntries())
                    .withDescription("Most entries in a frame's metadata map.");

    public static final ConfigOption<Integer> MAX_METADATA_BYTES =
            ConfigOptions.key("vlstream.limits.max-metadata-bytes")
                    .intType()
                    .defaultValue(DEFAULTS.maxMetadataBytes())
                    .withDescription(
                            "Most UTF-8 bytes of a frame's metadata keys and values together.");

    public static final ConfigOption<Integer> MAX_STREAM_IDS =
            ConfigOptions.key("vlstream.limits.max-stream-ids")
                    .intType()
                    .defaultValue(DEFAULTS.maxStreamIds())
                    .withDescription("Most stream ids one instruction may list.");

    public static final ConfigOption<Integer> MAX_TERMS =
            ConfigOptions.key("vlstream.limits.max-terms")
                    .intType()
                    .defaultValue(DEFAULTS.maxTerms())
                    .withDescription(
                            "Most terms (objects and spatial relations) one instruction may"
                                    + " compile to.");

    public static final ConfigOption<Integer> MAX_ACTIVE_INSTRUCTIONS =
            ConfigOptions.key("vlstream.limits.max-active-instructions")
                    .intType()
                    .defaultValue(DEFAULTS.maxActiveInstructions())
                    .withDescription(
                            "Most instructions active at once; a new instruction past it is"
                                    + " dead-lettered (TOO_MANY_INSTRUCTIONS) until others retire."
                                    + " Changing an active one is always allowed.");

    public static final ConfigOption<Duration> MAX_PTS_AHEAD =
            ConfigOptions.key("vlstream.limits.max-pts-ahead")
                    .durationType()
                    .defaultValue(DEFAULTS.maxPtsAhead())
                    .withDescription(
                            "How far a frame's pts may be ahead of the task manager's clock; a"
                                    + " frame further ahead, or with a negative pts, is"
                                    + " dead-lettered (TIMESTAMP_OUT_OF_RANGE) before it can move"
                                    + " the watermark.");

    public static final ConfigOption<Duration> MAX_PTS_BEHIND =
            ConfigOptions.key("vlstream.limits.max-pts-behind")
                    .durationType()
                    .noDefaultValue()
                    .withDescription(
                            "How far a frame's pts may be behind the task manager's clock; unset:"
                                    + " no limit (replays of recorded video).");

    public static final ConfigOption<Duration> MAX_TEXT_SPAN =
            ConfigOptions.key("vlstream.limits.max-text-span")
                    .durationType()
                    .defaultValue(DEFAULTS.maxTextSpan())
                    .withDescription(
                            "Longest time span of a timed text; a text is held until its span"
                                    + " has passed, so this bounds how long it stays in state.");

    public static final ConfigOption<MemorySize> MAX_EVIDENCE_BYTES =
            ConfigOptions.key("vlstream.limits.max-evidence-bytes")
                    .memoryType()
                    .defaultValue(MemorySize.parse("4 mb"))
                    .withDescription(
                            "Most bytes of evidence images one stream and instruction keeps in"
                                    + " state; past it the least relevant evidence frames keep"
                                    + " their place but lose their image.");

    public static final ConfigOption<Integer> MAX_OUTPUT_RECORD_BYTES =
            ConfigOptions.key("vlstream.limits.max-output-record-bytes")
                    .intType()
                    .defaultValue(1_000_000)
                    .withDescription(
                            "Largest caption or score record sent (key and value); a larger one"
                                    + " is trimmed (evidence images first, then long lists, then"
                                    + " long texts, saying so in its 'trimmed' field), and one"
                                    + " still too large becomes a dead letter"
                                    + " (OUTPUT_TOO_LARGE). Keep it under the producer's"
                                    + " max.request.size and the topics' max.message.bytes.");

    private LimitOptions() {}

    /** The input limits set in {@code conf}. */
    public static InputLimits inputLimits(Configuration conf) {
        return new InputLimits(
                conf.get(MAX_ID_CHARS),
                conf.get(MAX_KEY_BYTES),
                conf.get(MAX_TEXT_CHARS),
                conf.get(MAX_GLOB_CHARS),
                conf.get(MAX_GLOB_WILDCARDS),
                conf.get(MAX_MEDIA_TYPE_CHARS),
                conf.get(MAX_METADATA_ENTRIES),
                conf.get(MAX_METADATA_BYTES),
                conf.get(MAX_STREAM_IDS),
                conf.get(MAX_TERMS),
                conf.get(MAX_ACTIVE_INSTRUCTIONS),
                conf.get(MAX_PTS_AHEAD),
                conf.getOptional(MAX_PTS_BEHIND).orElse(Duration.ZERO),
                conf.get(MAX_TEXT_SPAN));
    }
}
