package io.vlstream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vlstream.avro.AlignmentScore;
import io.vlstream.avro.GroundedCaption;
import io.vlstream.export.CocoExport;
import io.vlstream.export.EvidenceImages;
import io.vlstream.export.LabelStudioExport;
import io.vlstream.export.StreamFileNames;
import io.vlstream.export.VerdictFiles;
import io.vlstream.output.StreamClock;
import io.vlstream.output.VlstreamOutput;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vlstream export}: moments and boxes for a labeling tool, or the verdicts on texts. */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description =
                "Export moments and their grounded boxes for labeling: Label Studio import JSON"
                        + " (one task per moment) or COCO-style JSON for the evidence frames. The"
                        + " evidence frames are written next to the JSON as JPEG files. Or export"
                        + " the verdicts on a stream's timed texts as SubRip, WebVTT or CSV, each"
                        + " line the text with its verdict and score, to diff against your own"
                        + " labels.")
final class ExportCommand implements Callable<Integer> {

    /** Export formats. */
    enum Format {
        LABEL_STUDIO("label-studio"),
        COCO("coco"),
        SRT("srt"),
        VTT("vtt"),
        CSV("csv");

        final String name;

        Format(String name) {
            this.name = name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    @Mixin OutputSource source;

    @Option(
            names = "--format",
            required = true,
            converter = FormatConverter.class,
            description =
                    "label-studio or coco (moments); srt, vtt or csv (verdicts on timed texts).")
    Format format;

    @Option(
            names = "--origin",
            paramLabel = "WHEN",
            description =
                    "srt, vtt, csv: the pts of the file's 00:00:00, as 'vlstream texts' takes it"
                            + " (default: the stream's first frame).")
    String origin;

    @Option(
            names = "--low-confidence",
            paramLabel = "BELOW",
            description =
                    "Only moments whose alignment score is below this, for human review first.")
    Float lowConfidence;

    @Option(
            names = "--out",
            description =
                    "JSON file to write (default: vlstream-export/<format>.json); images go next"
                            + " to it.")
    Path out;

    @Option(
            names = "--video-url",
            defaultValue = "/data/local-files/?d={stream}.mp4",
            description =
                    "label-studio: the video each task refers to; {stream} becomes the stream id"
                            + " (default: ${DEFAULT-VALUE}).")
    String videoUrl;

    @Option(
            names = "--image-url-prefix",
            defaultValue = "",
            description =
                    "label-studio: put before each image's file name in the tasks, e.g."
                            + " /data/local-files/?d=export/ (default: none, a relative path).")
    String imageUrlPrefix;

    /** Accepts the formats' command-line names. */
    static final class FormatConverter implements picocli.CommandLine.ITypeConverter<Format> {
        @Override
        public Format convert(String value) {
            for (Format f : Format.values()) {
                if (f.name.equalsIgnoreCase(value)) {
                    return f;
                }
            }
            throw new picocli.CommandLine.TypeConversionException(
                    "'" + value + "' is not a format; use label-studio, coco, srt, vtt or csv");
        }
    }

    @Override
    public Integer call() throws Exception {
        VlstreamOutput output = source.load();
        if (format == Format.SRT || format == Format.VTT || format == Format.CSV) {
            return exportVerdicts(output);
        }
        List<GroundedCaption> moments = io.vlstream.export.Moments.select(output, lowConfidence);
        Path json = out != null ? out : Path.of("vlstream-export", format + ".json");
        Path dir = json.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        EvidenceImages images = EvidenceImages.of(moments);
        images.writeTo(dir);
        ObjectMapper mapper = new ObjectMapper();
        JsonNode document;
        if (format == Format.COCO) {
            document = CocoExport.of(moments, images);
        } else {
            document =
                    LabelStudioExport.tasks(
                            output,
                            moments,
                            images,
                            new LabelStudioExport.Options(videoUrl, imageUrlPrefix));
            double fps =
                    output.streamIds().isEmpty()
                            ? 10
                            : StreamClock.of(output.forStream(output.streamIds().get(0))).fps();
            Path config = dir.resolve(stem(json) + ".label-config.xml");
            Files.writeString(
                    config, LabelStudioExport.labelingConfig(moments, fps), StandardCharsets.UTF_8);
            System.out.println("labeling config: " + config);
        }
        mapper.writerWithDefaultPrettyPrinter().writeValue(json.toFile(), document);
        System.out.printf(
                "%s export: %s (%d of %d moments%s, %d evidence images in %s)%n",
                format,
                json.toAbsolutePath().normalize(),
                moments.size(),
                output.moments().size(),
                lowConfidence == null ? "" : ", alignment score below " + lowConfidence,
                images.all().size(),
                dir);
        return 0;
    }

    private int exportVerdicts(VlstreamOutput output) throws Exception {
        // Subtitles belong to one video: one stream (--stream chooses it among several).
        List<String> streams = output.streamIds();
        if (streams.size() != 1) {
            System.err.println(
                    "vlstream export: the output holds "
                            + streams.size()
                            + " streams "
                            + streams
                            + "; choose one with --stream");
            return 1;
        }
        String stream = streams.get(0);
        VlstreamOutput one = output.forStream(stream);
        long originMicros =
                origin != null ? Origins.micros(origin) : StreamClock.of(one).firstPtsMicros();
        List<AlignmentScore> verdicts = VerdictFiles.verdicts(one.scores(), originMicros);
        String text =
                switch (format) {
                    case SRT -> VerdictFiles.srt(verdicts, originMicros);
                    case VTT -> VerdictFiles.vtt(verdicts, originMicros);
                    default -> VerdictFiles.csv(verdicts, originMicros);
                };
        Path file =
                out != null
                        ? out
                        : Path.of(
                                "vlstream-export",
                                StreamFileNames.of(stream) + ".verdicts." + format);
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        System.out.printf(
                "%s export: %s (%d verdicts on timed texts of stream '%s')%n",
                format, file.toAbsolutePath().normalize(), verdicts.size(), stream);
        return 0;
    }

    private static String stem(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
