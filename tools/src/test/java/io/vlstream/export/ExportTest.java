package io.vlstream.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vlstream.avro.EvidenceFrame;
import io.vlstream.avro.GroundedCaption;
import io.vlstream.cli.VlstreamCliAccess;
import io.vlstream.output.OutputFiles;
import io.vlstream.output.RealVtestOutput;
import io.vlstream.output.VlstreamOutput;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vlstream export} on demo output files made from real vtest frames: the JSON parses, has
 * the documented shape of Label Studio tasks or of COCO, its counts match the input, coordinates
 * are in range, and the evidence images next to it are real JPEGs of the stated size.
 */
class ExportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;
    private Path input;
    private VlstreamOutput output;

    @BeforeEach
    void writeDemoOutput() throws Exception {
        output = RealVtestOutput.get();
        input = dir.resolve("demo-output");
        OutputFiles.write(input, output);
    }

    @Test
    void labelStudioTasksHaveOneTaskPerMomentWithTimelineBoxesAndCaption() throws Exception {
        Path json = dir.resolve("ls/tasks.json");
        int exit =
                VlstreamCliAccess.run(
                        "export",
                        "--input",
                        input.toString(),
                        "--format",
                        "label-studio",
                        "--out",
                        json.toString());
        assertThat(exit).isZero();

        JsonNode tasks = JSON.readTree(json.toFile());
        List<GroundedCaption> moments = output.moments();
        assertThat(tasks.isArray()).isTrue();
        assertThat(tasks).hasSize(moments.size());
        for (int i = 0; i < moments.size(); i++) {
            GroundedCaption m = moments.get(i);
            JsonNode task = tasks.get(i);
            JsonNode data = task.get("data");
            assertThat(data.get("video").asText()).isEqualTo("/data/local-files/?d=vtest.mp4");
            assertThat(data.get("caption").asText()).isEqualTo(m.getCaption());
            String image = data.get("image").asText();
            assertThat(json.resolveSibling(image)).isRegularFile();
            assertThat(data.get("evidence")).hasSize(m.getEvidence().size());

            JsonNode prediction = task.get("predictions").get(0);
            assertThat(prediction.get("score").asDouble())
                    .isCloseTo(m.getAlignmentScore(), org.assertj.core.data.Offset.offset(1e-3));
            assertThat(prediction.get("model_version").asText()).contains("detector=");
            JsonNode result = prediction.get("result");
            for (JsonNode r : result) {
                assertThat(r.has("id") && r.has("from_name") && r.has("to_name") && r.has("type"))
                        .as("result fields of %s", r)
                        .isTrue();
            }

            List<JsonNode> timeline = ofType(result, "timelinelabels");
            assertThat(timeline).hasSize(1);
            JsonNode range = timeline.get(0).get("value").get("ranges").get(0);
            assertThat(timeline.get(0).get("to_name").asText()).isEqualTo("video");
            assertThat(timeline.get(0).get("value").get("timelinelabels").get(0).asText())
                    .isEqualTo("demo");
            // 1-based frame numbers at 10 fps from the stream's first frame.
            assertThat(range.get("start").asLong())
                    .isEqualTo(1 + (m.getMomentStartMicros() - firstPts()) / 100_000);
            assertThat(range.get("end").asLong())
                    .isEqualTo(1 + (m.getMomentEndMicros() - firstPts()) / 100_000);

            int boxesOnEvidence = 0;
            for (EvidenceFrame e : m.getEvidence()) {
                boxesOnEvidence += Moments.regionsOn(m, e.getFrameSequence()).size();
            }
            List<JsonNode> tracks = ofType(result, "videorectangle");
            assertThat(tracks).hasSize(boxesOnEvidence).isNotEmpty();
            for (JsonNode t : tracks) {
                JsonNode value = t.get("value");
                assertThat(value.get("framesCount").asLong()).isEqualTo(120);
                assertThat(value.get("labels")).hasSize(1);
                JsonNode key = value.get("sequence").get(0);
                assertThat(key.get("frame").asLong()).isBetween(1L, 120L);
                assertThat(key.get("time").asDouble()).isBetween(0.0, 12.0);
                assertPercentBox(key);
            }

            List<JsonNode> rectangles = ofType(result, "rectanglelabels");
            assertThat(rectangles).isNotEmpty();
            for (JsonNode r : rectangles) {
                assertThat(r.get("to_name").asText()).isEqualTo("image");
                assertThat(r.get("original_width").asInt()).isEqualTo(768);
                assertThat(r.get("original_height").asInt()).isEqualTo(576);
                assertThat(r.get("value").get("rectanglelabels").get(0).asText())
                        .isIn("person", "car", "truck", "bus");
                assertPercentBox(r.get("value"));
            }

            List<JsonNode> text = ofType(result, "textarea");
            assertThat(text).hasSize(1);
            assertThat(text.get(0).get("value").get("text").get(0).asText())
                    .isEqualTo(m.getCaption());
            assertThat(text.get(0).get("score").asDouble()).isBetween(0.0, 1.0);
        }
        String config = Files.readString(dir.resolve("ls/tasks.label-config.xml"));
        assertThat(config)
                .contains("<TimelineLabels name=\"moment\" toName=\"video\">")
                .contains("<Label value=\"demo\"/>")
                .contains("<VideoRectangle name=\"box\" toName=\"video\"/>")
                .contains("<RectangleLabels name=\"label\" toName=\"image\">")
                .contains("<Label value=\"person\"/>")
                .contains("<TextArea name=\"caption\" toName=\"image\"");
    }

    @Test
    void cocoHasImagesAnnotationsAndCategoriesOfTheEvidenceFrames() throws Exception {
        Path json = dir.resolve("coco/coco.json");
        int exit =
                VlstreamCliAccess.run(
                        "export",
                        "--input",
                        input.toString(),
                        "--format",
                        "coco",
                        "--out",
                        json.toString());
        assertThat(exit).isZero();

        JsonNode coco = JSON.readTree(json.toFile());
        Set<Long> evidenceFrames = new HashSet<>();
        int boxes = 0;
        Set<String> labels = new HashSet<>();
        for (GroundedCaption m : output.moments()) {
            for (EvidenceFrame e : m.getEvidence()) {
                if (evidenceFrames.add(e.getFrameSequence())) {
                    boxes += Moments.regionsOn(m, e.getFrameSequence()).size();
                    Moments.regionsOn(m, e.getFrameSequence())
                            .forEach(r -> labels.add(r.getLabel()));
                }
            }
        }
        JsonNode images = coco.get("images");
        assertThat(images).hasSize(evidenceFrames.size());
        Set<Integer> imageIds = new HashSet<>();
        for (JsonNode image : images) {
            imageIds.add(image.get("id").asInt());
            Path file = json.resolveSibling(image.get("file_name").asText());
            BufferedImage jpeg = ImageIO.read(file.toFile());
            assertThat(jpeg).as("%s decodes", file).isNotNull();
            assertThat(jpeg.getWidth()).isEqualTo(image.get("width").asInt()).isEqualTo(768);
            assertThat(jpeg.getHeight()).isEqualTo(image.get("height").asInt()).isEqualTo(576);
            assertThat(Files.readAllBytes(file)).startsWith((byte) 0xFF, (byte) 0xD8);
        }
        JsonNode categories = coco.get("categories");
        Set<Integer> categoryIds = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (JsonNode c : categories) {
            categoryIds.add(c.get("id").asInt());
            names.add(c.get("name").asText());
        }
        assertThat(names).isEqualTo(labels);
        JsonNode annotations = coco.get("annotations");
        assertThat(annotations).hasSize(boxes);
        Set<Integer> annotationIds = new HashSet<>();
        for (JsonNode a : annotations) {
            assertThat(annotationIds.add(a.get("id").asInt())).isTrue();
            assertThat(imageIds).contains(a.get("image_id").asInt());
            assertThat(categoryIds).contains(a.get("category_id").asInt());
            JsonNode bbox = a.get("bbox");
            assertThat(bbox).hasSize(4);
            double x = bbox.get(0).asDouble();
            double y = bbox.get(1).asDouble();
            double w = bbox.get(2).asDouble();
            double h = bbox.get(3).asDouble();
            assertThat(x).isBetween(0.0, 768.0);
            assertThat(y).isBetween(0.0, 576.0);
            assertThat(w).isPositive();
            assertThat(h).isPositive();
            assertThat(x + w).isLessThanOrEqualTo(768.0);
            assertThat(y + h).isLessThanOrEqualTo(576.0);
            assertThat(a.get("area").asDouble())
                    .isCloseTo(w * h, org.assertj.core.data.Offset.offset(0.01));
            assertThat(a.get("iscrowd").asInt()).isZero();
            assertThat(a.get("score").asDouble()).isBetween(0.3, 1.0);
        }
    }

    @Test
    void lowConfidenceKeepsOnlyMomentsScoredBelowTheLimit() throws Exception {
        List<GroundedCaption> moments = output.moments();
        // A limit just above the lowest moment score keeps some moments, not all.
        float score =
                (float)
                        moments.stream()
                                .mapToDouble(GroundedCaption::getAlignmentScore)
                                .min()
                                .orElseThrow();
        long below = moments.stream().filter(m -> m.getAlignmentScore() < score + 0.001f).count();

        Path some = dir.resolve("low/tasks.json");
        VlstreamCliAccess.run(
                "export",
                "--input",
                input.toString(),
                "--format",
                "label-studio",
                "--low-confidence",
                String.valueOf(score + 0.001f),
                "--out",
                some.toString());
        Path none = dir.resolve("none/coco.json");
        VlstreamCliAccess.run(
                "export",
                "--input",
                input.toString(),
                "--format",
                "coco",
                "--low-confidence",
                "0",
                "--out",
                none.toString());

        assertThat(moments).hasSizeGreaterThan(1);
        assertThat(below).isBetween(1L, moments.size() - 1L);
        assertThat(JSON.readTree(some.toFile())).hasSize((int) below);
        JsonNode empty = JSON.readTree(none.toFile());
        assertThat(empty.get("images")).isEmpty();
        assertThat(empty.get("annotations")).isEmpty();
    }

    private static void assertPercentBox(JsonNode v) {
        double x = v.get("x").asDouble();
        double y = v.get("y").asDouble();
        double w = v.get("width").asDouble();
        double h = v.get("height").asDouble();
        assertThat(x).isBetween(0.0, 100.0);
        assertThat(y).isBetween(0.0, 100.0);
        assertThat(w).isGreaterThan(0.0);
        assertThat(h).isGreaterThan(0.0);
        assertThat(x + w).isLessThanOrEqualTo(100.0001);
        assertThat(y + h).isLessThanOrEqualTo(100.0001);
        assertThat(v.get("rotation").asDouble()).isZero();
    }

    private long firstPts() {
        return io.vlstream.output.StreamClock.of(output).firstPtsMicros();
    }

    private static List<JsonNode> ofType(JsonNode result, String type) {
        List<JsonNode> found = new java.util.ArrayList<>();
        result.forEach(
                r -> {
                    if (r.get("type").asText().equals(type)) {
                        found.add(r);
                    }
                });
        return found;
    }

    @Test
    void verdictsOnTimedTextsGoOutAsSubtitlesTimedFromTheStreamsFirstFrame() throws Exception {
        Path srt = dir.resolve("verdicts/vtest.srt");
        int exit =
                VlstreamCliAccess.run(
                        "export",
                        "--input",
                        input.toString(),
                        "--format",
                        "srt",
                        "--out",
                        srt.toString());
        assertThat(exit).isZero();

        List<io.vlstream.avro.AlignmentScore> texts =
                output.scores().stream()
                        .filter(s -> s.getSubjectKind() == io.vlstream.avro.SubjectKind.TIMED_TEXT)
                        .sorted(
                                java.util.Comparator.comparingLong(
                                        io.vlstream.avro.AlignmentScore::getStartMicros))
                        .toList();
        assertThat(texts).isNotEmpty();
        long first = io.vlstream.output.StreamClock.of(output).firstPtsMicros();
        io.vlstream.texts.TimedTextFile.Parsed back =
                io.vlstream.texts.TimedTextFile.read(
                        srt, io.vlstream.texts.TextFormat.SRT, 1 << 20);
        assertThat(back.problems()).isEmpty();
        assertThat(back.spans()).hasSize(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            io.vlstream.avro.AlignmentScore text = texts.get(i);
            io.vlstream.texts.TextSpan span = back.spans().get(i);
            assertThat(span.startMicros() / 1_000)
                    .isEqualTo((text.getStartMicros() - first) / 1_000);
            assertThat(span.text())
                    .startsWith("[" + text.getVerdict() + " ")
                    .endsWith(text.getSubjectText());
        }
        assertThat(back.spans()).anyMatch(s -> s.text().startsWith("[CONTRADICTED"));
    }
}
