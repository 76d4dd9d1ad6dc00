package io.vlstream.export;

import static io.vlstream.export.Moments.round;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vlstream.avro.Box;
import io.vlstream.avro.EvidenceFrame;
import io.vlstream.avro.GroundedCaption;
import io.vlstream.avro.ModelRef;
import io.vlstream.avro.Region;
import io.vlstream.output.StreamClock;
import io.vlstream.output.VlstreamOutput;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Label Studio import JSON: one task per moment, with the moment's predictions for review.
 *
 * <ul>
 *   <li>{@code timelinelabels} on the video ({@code moment} → {@code video}): the moment's span as
 *       1-based frame numbers, labelled with the instruction id;
 *   <li>{@code videorectangle} on the video ({@code box} → {@code video}): every grounded box of
 *       every evidence frame, as a one-keyframe track at that frame (percent coordinates);
 *   <li>{@code rectanglelabels} on the task's image ({@code label} → {@code image}, the most
 *       relevant evidence frame): its boxes in percent of the image (x, y = top left);
 *   <li>{@code textarea} ({@code caption} → {@code image}): the caption, with the moment's
 *       alignment score as the prediction's and the result's score.
 * </ul>
 *
 * {@link #labelingConfig} writes the matching labeling configuration.
 */
public final class LabelStudioExport {

    /**
     * How tasks refer to media.
     *
     * @param videoUrl the video's URL per task; {@code {stream}} is replaced by the stream id
     * @param imageUrlPrefix put before each evidence image's file name in {@code data.image}
     */
    public record Options(String videoUrl, String imageUrlPrefix) {
        public static Options defaults() {
            return new Options("/data/local-files/?d={stream}.mp4", "");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private LabelStudioExport() {}

    /**
     * The tasks for {@code moments} (taken from {@code output}); images named by {@code images}.
     */
    public static ArrayNode tasks(
            VlstreamOutput output,
            List<GroundedCaption> moments,
            EvidenceImages images,
            Options options) {
        Map<String, StreamClock> clocks = new TreeMap<>();
        ArrayNode tasks = JSON.createArrayNode();
        for (GroundedCaption m : moments) {
            StreamClock clock =
                    clocks.computeIfAbsent(
                            m.getStreamId(), id -> StreamClock.of(output.forStream(id)));
            tasks.add(task(m, clock, images, options));
        }
        return tasks;
    }

    private static ObjectNode task(
            GroundedCaption m, StreamClock clock, EvidenceImages images, Options options) {
        ObjectNode task = JSON.createObjectNode();
        ObjectNode data = task.putObject("data");
        data.put("video", options.videoUrl().replace("{stream}", m.getStreamId()));
        // The task's image: the most relevant evidence frame that carries its bytes.
        Optional<EvidenceFrame> best =
                m.getEvidence().stream()
                        .filter(e -> images.find(m.getStreamId(), e.getFrameSequence()).isPresent())
                        .max(Comparator.comparingDouble(EvidenceFrame::getRelevance));
        best.ifPresent(
                e ->
                        data.put(
                                "image",
                                options.imageUrlPrefix()
                                        + images.find(m.getStreamId(), e.getFrameSequence())
                                                .orElseThrow()
                                                .fileName()));
        data.put("caption", m.getCaption());
        data.put("instruction", m.getInstructionText());
        data.put("instruction_id", m.getInstructionId());
        data.put("stream_id", m.getStreamId());
        data.put("moment_id", m.getMomentId());
        data.put("moment_start_s", round(clock.seconds(m.getMomentStartMicros())));
        data.put("moment_end_s", round(clock.seconds(m.getMomentEndMicros())));
        data.put("alignment_score", round(m.getAlignmentScore()));
        data.put("ungrounded_terms", String.join(", ", m.getUngroundedTerms()));
        ArrayNode evidence = data.putArray("evidence");
        for (EvidenceFrame e : m.getEvidence()) {
            ObjectNode item = evidence.addObject();
            item.put("frame", clock.frameOf(e.getFrameSequence()));
            item.put("frame_sequence", e.getFrameSequence());
            item.put("time_s", round(clock.seconds(e.getPtsMicros())));
            item.put("relevance", round(e.getRelevance()));
            images.find(m.getStreamId(), e.getFrameSequence())
                    .ifPresent(i -> item.put("image", options.imageUrlPrefix() + i.fileName()));
        }

        ObjectNode prediction = task.putArray("predictions").addObject();
        prediction.put("model_version", modelVersion(m.getModels()));
        prediction.put("score", round(m.getAlignmentScore()));
        ArrayNode result = prediction.putArray("result");

        ObjectNode timeline = result.addObject();
        timeline.put("id", "moment");
        timeline.put("from_name", "moment");
        timeline.put("to_name", "video");
        timeline.put("type", "timelinelabels");
        timeline.put("score", round(m.getAlignmentScore()));
        ObjectNode span = timeline.putObject("value");
        ObjectNode range = span.putArray("ranges").addObject();
        range.put("start", clock.frameAt(m.getMomentStartMicros()));
        range.put("end", clock.frameAt(m.getMomentEndMicros()));
        span.putArray("timelinelabels").add(m.getInstructionId());

        int n = 0;
        for (EvidenceFrame e : m.getEvidence()) {
            for (Region r : Moments.regionsOn(m, e.getFrameSequence())) {
                double[] p = percent(r.getBox(), e.getWidth(), e.getHeight());
                ObjectNode track = result.addObject();
                track.put("id", "track-" + ++n);
                track.put("from_name", "box");
                track.put("to_name", "video");
                track.put("type", "videorectangle");
                track.put("score", round(r.getScore()));
                ObjectNode value = track.putObject("value");
                value.put("framesCount", clock.frameCount());
                value.put("duration", round(clock.durationSeconds()));
                ObjectNode key = value.putArray("sequence").addObject();
                key.put("frame", clock.frameOf(e.getFrameSequence()));
                key.put("time", round(clock.seconds(e.getPtsMicros())));
                key.put("x", p[0]);
                key.put("y", p[1]);
                key.put("width", p[2]);
                key.put("height", p[3]);
                key.put("rotation", 0);
                // One keyframe whose lifespan ends at once: the box is shown on its frame only.
                key.put("enabled", false);
                value.putArray("labels").add(r.getLabel());
            }
        }

        best.ifPresent(
                e -> {
                    int b = 0;
                    for (Region r : Moments.regionsOn(m, e.getFrameSequence())) {
                        double[] p = percent(r.getBox(), e.getWidth(), e.getHeight());
                        ObjectNode rect = result.addObject();
                        rect.put("id", "box-" + ++b);
                        rect.put("from_name", "label");
                        rect.put("to_name", "image");
                        rect.put("type", "rectanglelabels");
                        rect.put("original_width", e.getWidth());
                        rect.put("original_height", e.getHeight());
                        rect.put("image_rotation", 0);
                        rect.put("score", round(r.getScore()));
                        ObjectNode value = rect.putObject("value");
                        value.put("x", p[0]);
                        value.put("y", p[1]);
                        value.put("width", p[2]);
                        value.put("height", p[3]);
                        value.put("rotation", 0);
                        value.putArray("rectanglelabels").add(r.getLabel());
                    }
                });

        ObjectNode caption = result.addObject();
        caption.put("id", "caption");
        caption.put("from_name", "caption");
        caption.put("to_name", best.isPresent() ? "image" : "video");
        caption.put("type", "textarea");
        caption.put("score", round(m.getAlignmentScore()));
        caption.putObject("value").putArray("text").add(m.getCaption());
        return task;
    }

    /** Box in pixels → [x, y, width, height] in percent of the image, clipped to it. */
    static double[] percent(Box box, int width, int height) {
        double w = Math.max(width, 1);
        double h = Math.max(height, 1);
        double x1 = clip(box.getX1() / w * 100);
        double y1 = clip(box.getY1() / h * 100);
        double x2 = clip(box.getX2() / w * 100);
        double y2 = clip(box.getY2() / h * 100);
        return new double[] {
            round(x1), round(y1), round(Math.max(0, x2 - x1)), round(Math.max(0, y2 - y1))
        };
    }

    private static double clip(double v) {
        return Math.max(0, Math.min(100, v));
    }

    private static String modelVersion(List<ModelRef> models) {
        return models.stream()
                .map(m -> m.getRole() + "=" + m.getId() + "@" + m.getVersion())
                .collect(Collectors.joining(" "));
    }

    /**
     * A labeling configuration whose control and object names match the tasks: the video with its
     * timeline and tracked boxes, the evidence image with rectangles, and the caption to correct.
     */
    public static String labelingConfig(List<GroundedCaption> moments, double frameRate) {
        TreeSet<String> instructions = new TreeSet<>();
        TreeSet<String> labels = new TreeSet<>();
        for (GroundedCaption m : moments) {
            instructions.add(m.getInstructionId());
            m.getPhrases().forEach(p -> p.getRegions().forEach(r -> labels.add(r.getLabel())));
        }
        StringBuilder xml = new StringBuilder();
        xml.append("<View>\n")
                .append("  <Header value=\"$instruction\"/>\n")
                .append(
                        String.format(
                                java.util.Locale.ROOT,
                                "  <Video name=\"video\" value=\"$video\" frameRate=\"%.3f\"/>%n",
                                frameRate))
                .append("  <TimelineLabels name=\"moment\" toName=\"video\">\n");
        instructions.forEach(
                i -> xml.append("    <Label value=\"").append(xml(i)).append("\"/>\n"));
        xml.append("  </TimelineLabels>\n")
                .append("  <VideoRectangle name=\"box\" toName=\"video\"/>\n")
                .append("  <Labels name=\"videoLabels\" toName=\"video\">\n");
        labels.forEach(l -> xml.append("    <Label value=\"").append(xml(l)).append("\"/>\n"));
        xml.append("  </Labels>\n")
                .append("  <Image name=\"image\" value=\"$image\"/>\n")
                .append("  <RectangleLabels name=\"label\" toName=\"image\">\n");
        labels.forEach(l -> xml.append("    <Label value=\"").append(xml(l)).append("\"/>\n"));
        xml.append("  </RectangleLabels>\n")
                .append("  <TextArea name=\"caption\" toName=\"image\" editable=\"true\"")
                .append(" maxSubmissions=\"1\"/>\n")
                .append("</View>\n");
        return xml.toString();
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
