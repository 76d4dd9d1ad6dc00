package io.vlstream.export;

import io.vlstream.avro.EvidenceFrame;
import io.vlstream.avro.GroundedCaption;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;

/**
 * The evidence frames of a set of moments as JPEG files: one file per distinct (stream, frame),
 * named {@code <stream>-<frame sequence>.jpg}. Frames whose caption carried no image bytes (over
 * the caption's image budget) have no file.
 */
public final class EvidenceImages {

    /** One evidence frame with its image bytes. */
    public record Image(String fileName, String streamId, EvidenceFrame frame) {}

    private final Map<String, Image> images = new LinkedHashMap<>();

    /** Collects the evidence frames with image bytes of {@code moments}, in order, once each. */
    public static EvidenceImages of(List<GroundedCaption> moments) {
        EvidenceImages all = new EvidenceImages();
        for (GroundedCaption moment : moments) {
            for (EvidenceFrame frame : moment.getEvidence()) {
                if (frame.getImage() == null || frame.getImage().remaining() == 0) {
                    continue;
                }
                String key = key(moment.getStreamId(), frame.getFrameSequence());
                all.images.putIfAbsent(
                        key,
                        new Image(
                                fileName(moment.getStreamId(), frame.getFrameSequence()),
                                moment.getStreamId(),
                                frame));
            }
        }
        return all;
    }

    /** The image of frame {@code sequence} of {@code streamId}, if its bytes were in the output. */
    public Optional<Image> find(String streamId, long sequence) {
        return Optional.ofNullable(images.get(key(streamId, sequence)));
    }

    public List<Image> all() {
        return List.copyOf(images.values());
    }

    /** Writes every image into {@code dir} as JPEG (PNG and other types are re-encoded). */
    public void writeTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (Image image : images.values()) {
            Files.write(dir.resolve(image.fileName()), jpeg(image.frame()));
        }
    }

    static byte[] jpeg(EvidenceFrame frame) throws IOException {
        ByteBuffer buffer = frame.getImage().duplicate();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        String type = frame.getMediaType() == null ? "" : frame.getMediaType();
        if (type.isEmpty() || type.equalsIgnoreCase("image/jpeg")) {
            return bytes;
        }
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(bytes));
        if (decoded == null) {
            throw new IOException(
                    "Cannot decode evidence frame " + frame.getFrameSequence() + " (" + type + ")");
        }
        BufferedImage rgb =
                new BufferedImage(
                        decoded.getWidth(), decoded.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        g.drawImage(decoded, 0, 0, null);
        g.dispose();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        ImageIO.write(rgb, "jpg", out);
        return out.toByteArray();
    }

    static String fileName(String streamId, long sequence) {
        return String.format(Locale.ROOT, "%s-%06d.jpg", StreamFileNames.of(streamId), sequence);
    }

    private static String key(String streamId, long sequence) {
        return streamId + '\u0000' + sequence;
    }
}
