package io.vlstream.eval;

import io.vlstream.avro.Box;
import io.vlstream.avro.Detection;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Dense detections (and change-gate thumbnails) of a video, saved once so that repeated {@code
 * vlstream eval} runs skip the model. One file per video content, model and detector settings; a
 * file that does not read back whole is ignored (and rewritten by the next run).
 */
public final class DetectionCache {

    private static final String MAGIC = "vlstream-eval-detections/1";

    private DetectionCache() {}

    /** A file name for the video's content (sha256) and whatever else shapes the detections. */
    public static String fileName(Path video, String modelAndSettings) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(video)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
            }
        }
        sha.update(modelAndSettings.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(sha.digest()).substring(0, 32) + ".bin";
    }

    /** The frames saved in {@code file}, or empty when it is missing or unreadable. */
    public static Optional<List<EvalFrame>> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (DataInputStream in =
                new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            if (!MAGIC.equals(in.readUTF())) {
                return Optional.empty();
            }
            int count = in.readInt();
            List<EvalFrame> frames = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                long sequence = in.readLong();
                long pts = in.readLong();
                int width = in.readInt();
                int height = in.readInt();
                byte[] thumb = new byte[in.readInt()];
                in.readFully(thumb);
                int detections = in.readInt();
                List<Detection> list = new ArrayList<>(detections);
                for (int d = 0; d < detections; d++) {
                    String label = in.readUTF();
                    int classId = in.readInt();
                    float score = in.readFloat();
                    Box box =
                            new Box(in.readFloat(), in.readFloat(), in.readFloat(), in.readFloat());
                    list.add(new Detection(label, classId, score, box));
                }
                frames.add(new EvalFrame(sequence, pts, width, height, list, thumb));
            }
            return Optional.of(frames);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Saves the frames (atomically: a reader never sees half a file). */
    public static void write(Path file, List<EvalFrame> frames) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
        try (DataOutputStream out =
                new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
            out.writeUTF(MAGIC);
            out.writeInt(frames.size());
            for (EvalFrame f : frames) {
                out.writeLong(f.sequence());
                out.writeLong(f.ptsMicros());
                out.writeInt(f.width());
                out.writeInt(f.height());
                byte[] thumb = f.thumbnail() == null ? new byte[0] : f.thumbnail();
                out.writeInt(thumb.length);
                out.write(thumb);
                out.writeInt(f.detections().size());
                for (Detection d : f.detections()) {
                    out.writeUTF(d.getLabel());
                    out.writeInt(d.getClassId());
                    out.writeFloat(d.getScore());
                    out.writeFloat(d.getBox().getX1());
                    out.writeFloat(d.getBox().getY1());
                    out.writeFloat(d.getBox().getX2());
                    out.writeFloat(d.getBox().getY2());
                }
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
