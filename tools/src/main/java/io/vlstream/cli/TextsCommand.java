package io.vlstream.cli;

import io.vlstream.avro.TimedText;
import io.vlstream.decode.InputLimits;
import io.vlstream.decode.Violation;
import io.vlstream.grounding.ValidateTexts;
import io.vlstream.internal.WallClock;
import io.vlstream.serde.AvroCodec;
import io.vlstream.texts.TextFormat;
import io.vlstream.texts.TextSpan;
import io.vlstream.texts.TimedTextFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vlstream texts}: publishes a subtitle or label file to the texts topic as {@link
 * TimedText}s of one stream, each checked with the job's own rules first, with a progress line and
 * a final count.
 */
@Command(
        name = "texts",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Publish timed texts to Kafka, for the job to check against the video: SubRip (.srt)"
                    + " or WebVTT (.vtt) subtitles, or a CSV or JSON label file (one span per row:"
                    + " start, end, text, optional id and kind; times in seconds or hh:mm:ss.mmm)."
                    + " Times count from --origin, the pts of the video's start. Each text is"
                    + " checked with the job's own rules first; one that fails is reported and"
                    + " not sent. Those rules let a text start at most 5 min"
                    + " (vlstream.limits.max-pts-ahead) after now: publish the subtitles of a"
                    + " recorded video, or a live stream's as they come.",
            ""
        },
        footer = {
            "",
            "Examples:",
            "  vlstream texts lobby.srt -b kafka:9092 --stream lobby --origin 2026-12-01T09:00:00Z",
            "  vlstream texts labels.csv --stream cam-7 --origin 1796720400000000 --kind label",
            "",
            "Exit status: 0 when every text was published; 1 when Kafka or the file failed, or a"
                    + " text was refused (each is reported); 2 on bad options."
        })
final class TextsCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Parameters(
            index = "0",
            paramLabel = "FILE",
            description = "The .srt, .vtt, .csv or .json file.")
    Path file;

    @Mixin KafkaClientOptions kafka;

    @Option(
            names = "--topic",
            paramLabel = "TOPIC",
            defaultValue = "vlstream.texts",
            description = "Texts topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(
            names = "--stream",
            paramLabel = "ID",
            required = true,
            description = "Stream id the texts belong to (the key of every record).")
    String streamId;

    @Option(
            names = "--origin",
            paramLabel = "WHEN",
            defaultValue = "now",
            description =
                    "The pts of the file's 00:00:00: 'now' (a video produced from now on),"
                            + " an ISO-8601 instant (2026-12-08T09:00:00Z) or epoch microseconds"
                            + " (default: ${DEFAULT-VALUE}).")
    String origin;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            description = "srt, vtt, csv or json (default: from the file's extension).")
    String format;

    @Option(
            names = "--kind",
            paramLabel = "KIND",
            description =
                    "The texts' kind where the file gives none (default: subtitle for .srt and"
                            + " .vtt, label for .csv and .json).")
    String kind;

    @Option(
            names = "--max-file-bytes",
            paramLabel = "N",
            description = "Refuse a larger file (default: ${DEFAULT-VALUE}).")
    long maxFileBytes = TimedTextFile.DEFAULT_MAX_BYTES;

    @Override
    public Integer call() throws Exception {
        Console console = new Console(spec.commandLine().getOut(), System.console() != null);
        try {
            return publish(console);
        } catch (UserError e) {
            spec.commandLine().getErr().println("vlstream texts: " + e.getMessage());
            return 1;
        }
    }

    private int publish(Console console) throws Exception {
        TextFormat fileFormat =
                format != null
                        ? TextFormat.named(format)
                                .orElseThrow(
                                        () ->
                                                new UserError(
                                                        "--format '"
                                                                + format
                                                                + "': write srt, vtt, csv or json"))
                        : TextFormat.ofFile(file)
                                .orElseThrow(
                                        () ->
                                                new UserError(
                                                        "cannot tell the format of "
                                                                + file
                                                                + " from its name: give --format"
                                                                + " srt, vtt, csv or json"));
        long originMicros = Origins.micros(origin);
        TimedTextFile.Parsed parsed;
        try {
            parsed = TimedTextFile.read(file, fileFormat, maxFileBytes);
        } catch (IOException e) {
            throw new UserError(e.getMessage(), e);
        }
        for (String problem : parsed.problems()) {
            console.block("  " + file.getFileName() + ": " + problem + " (not sent)");
        }
        String stem = stem(file);
        String defaultKind = kind != null ? kind : fileFormat.defaultKind();
        InputLimits limits = InputLimits.defaults();
        long now = WallClock.nowMicros();
        AvroCodec<TimedText> codec = AvroCodec.of(TimedText.class);
        AtomicLong acked = new AtomicLong();
        AtomicReference<Exception> fatal = new AtomicReference<>();
        long refused = 0;
        Progress progress = new Progress(console, "texts", parsed.spans().size());
        long sent = 0;
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(
                        kafka.producer("vlstream-texts-" + streamId),
                        new StringSerializer(),
                        new ByteArraySerializer())) {
            int index = 0;
            for (TextSpan span : parsed.spans()) {
                index++;
                if (fatal.get() != null) {
                    break;
                }
                TimedText text =
                        TimedText.newBuilder()
                                .setStreamId(streamId)
                                .setTextId(span.id() != null ? span.id() : stem + "-" + index)
                                .setStartMicros(originMicros + span.startMicros())
                                .setEndMicros(originMicros + span.endMicros())
                                .setText(span.text())
                                .setKind(span.kind() != null ? span.kind() : defaultKind)
                                .build();
                Violation problem = ValidateTexts.problem(text, limits, now);
                if (problem != null) {
                    refused++;
                    console.block(
                            "  "
                                    + file.getFileName()
                                    + ": line "
                                    + span.line()
                                    + ": "
                                    + problem.reason()
                                    + ": "
                                    + problem.message()
                                    + " (not sent)");
                    continue;
                }
                producer.send(
                        new ProducerRecord<>(topic, streamId, codec.encode(text)),
                        (metadata, error) -> {
                            if (error == null) {
                                acked.incrementAndGet();
                            } else {
                                fatal.compareAndSet(null, error);
                            }
                        });
                sent++;
                progress.update(sent);
            }
            producer.flush();
        } catch (KafkaException e) {
            fatal.compareAndSet(null, e);
        }
        progress.done(sent);
        console.block(
                String.format(
                        Locale.ROOT,
                        "  published %d of %d texts → %s, stream '%s'; %d refused by the job's"
                                + " rules, %d unreadable",
                        acked.get(),
                        parsed.spans().size() + parsed.problems().size(),
                        topic,
                        streamId,
                        refused,
                        parsed.problems().size()));
        if (fatal.get() != null) {
            throw new UserError(
                    "Publishing to "
                            + topic
                            + " on "
                            + kafka.servers()
                            + " failed: "
                            + fatal.get().getMessage(),
                    fatal.get());
        }
        return refused == 0 && parsed.problems().isEmpty() ? 0 : 1;
    }

    private static String stem(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
