package io.vlstream.export;

import static io.vlstream.export.Moments.round;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vlstream.avro.Box;
import io.vlstream.avro.EvidenceFrame;
import io.vlstream.avro.GroundedCaption;
import io.vlstream.avro.Region;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * COCO-style object detection JSON for the moments' evidence frames: {@code images} (id, file_name,
 * width, height), {@code annotations} (id, image_id, category_id, bbox = [x, y, width, height] in
 * pixels from the top left, area, iscrowd = 0, score) and {@code categories} (the labels seen, ids
 * from 1 in label order). A frame that is evidence for several moments is one image; its boxes are
 * listed once. Frames without image bytes in the output are left out.
 */
public final class CocoExport {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CocoExport() {}

    public static ObjectNode of(List<GroundedCaption> moments, EvidenceImages images) {
        TreeSet<String> labels = new TreeSet<>();
        for (GroundedCaption m : moments) {
            for (EvidenceFrame e : m.getEvidence()) {
                if (images.find(m.getStreamId(), e.getFrameSequence()).isPresent()) {
                    Moments.regionsOn(m, e.getFrameSequence())
                            .forEach(r -> labels.add(r.getLabel()));
                }
            }
        }
        Map<String, Integer> categoryIds = new LinkedHashMap<>();
        labels.forEach(l -> categoryIds.put(l, categoryIds.size() + 1));

        ObjectNode coco = JSON.createObjectNode();
        ObjectNode info = coco.putObject("info");
        info.put("description", "vlstream evidence frames with grounded boxes");
        info.put("version", "1.0");
        info.put("date_created", Instant.now().toString());
        coco.putArray("licenses");
        ArrayNode imageArray = coco.putArray("images");
        ArrayNode annotations = coco.putArray("annotations");
        Map<String, Integer> imageIds = new LinkedHashMap<>();
        Set<String> boxesSeen = new HashSet<>();
        for (GroundedCaption m : moments) {
            for (EvidenceFrame e : m.getEvidence()) {
                var image = images.find(m.getStreamId(), e.getFrameSequence());
                if (image.isEmpty()) {
                    continue;
                }
                String file = image.get().fileName();
                Integer imageId = imageIds.get(file);
                if (imageId == null) {
                    imageId = imageIds.size() + 1;
                    imageIds.put(file, imageId);
                    ObjectNode img = imageArray.addObject();
                    img.put("id", imageId);
                    img.put("file_name", file);
                    img.put("width", e.getWidth());
                    img.put("height", e.getHeight());
                    img.put("stream_id", m.getStreamId());
                    img.put("frame_sequence", e.getFrameSequence());
                    img.put("pts_micros", e.getPtsMicros());
                }
                for (Region r : Moments.regionsOn(m, e.getFrameSequence())) {
                    double[] bbox = pixels(r.getBox(), e.getWidth(), e.getHeight());
                    if (!boxesSeen.add(
                            file
                                    + " "
                                    + r.getLabel()
                                    + " "
                                    + List.of(bbox[0], bbox[1], bbox[2], bbox[3]))) {
                        continue;
                    }
                    ObjectNode a = annotations.addObject();
                    a.put("id", annotations.size());
                    a.put("image_id", imageId);
                    a.put("category_id", categoryIds.get(r.getLabel()));
                    ArrayNode b = a.putArray("bbox");
                    for (double v : bbox) {
                        b.add(v);
                    }
                    a.put("area", round(bbox[2] * bbox[3]));
                    a.put("iscrowd", 0);
                    a.put("score", round(r.getScore()));
                    a.put("moment_id", m.getMomentId());
                }
            }
        }
        ArrayNode categories = coco.putArray("categories");
        categoryIds.forEach(
                (label, id) -> {
                    ObjectNode c = categories.addObject();
                    c.put("id", id);
                    c.put("name", label);
                    c.put("supercategory", "object");
                });
        return coco;
    }

    /** Box corners → [x, y, width, height] in pixels, clipped to the image. */
    static double[] pixels(Box box, int width, int height) {
        double x1 = Math.max(0, Math.min(width, box.getX1()));
        double y1 = Math.max(0, Math.min(height, box.getY1()));
        double x2 = Math.max(0, Math.min(width, box.getX2()));
        double y2 = Math.max(0, Math.min(height, box.getY2()));
        return new double[] {
            round(x1), round(y1), round(Math.max(0, x2 - x1)), round(Math.max(0, y2 - y1))
        };
    }
}
