package io.vlstream.media;

import io.vlstream.avro.VideoFrame;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Yields the JPEG and PNG files of a folder, in natural name order ({@code img2} before {@code
 * img10}), as {@link VideoFrame} records: one frame per image, a fixed time apart.
 *
 * <p>By default each file's bytes are published as they are (only its header is read, for the
 * size); with a JPEG quality every image is decoded and re-encoded as JPEG. Files with other
 * extensions are ignored. {@code sequence} is the image's index among the folder's images, so
 * images skipped by {@code everyNth} leave gaps, as video frames do.
 */
public final class ImageFolderFrames implements Iterator<VideoFrame>, AutoCloseable {

    private final List<Path> images;
    private final String streamId;
    private final long ptsBaseMicros;
    private final long spacingMicros;
    private final int everyNth;
    private final long maxFrames;
    private final Float jpegQuality;
    private int nextIndex;
    private long emitted;

    private ImageFolderFrames(
            List<Path> images,
            String streamId,
            long ptsBaseMicros,
            Duration spacing,
            int everyNth,
            long maxFrames,
            Float jpegQuality) {
        this.images = images;
        this.streamId = streamId;
        this.ptsBaseMicros = ptsBaseMicros;
        this.spacingMicros = spacing.toNanos() / 1_000;
        this.everyNth = everyNth;
        this.maxFrames = maxFrames;
        this.jpegQuality = jpegQuality;
    }

    /**
     * Lists the folder's images.
     *
     * @param streamId the records' stream id
     * @param ptsBaseMicros event time of the first image, microseconds since the epoch
     * @param spacing event time between consecutive images (before {@code everyNth})
     * @param everyNth keep one image in this many (1: all)
     * @param maxFrames stop after this many records
     * @param jpegQuality re-encode every image as JPEG at this quality (0..1); null publishes the
     *     files as they are
     * @throws IOException naming the folder when it is missing, unreadable or holds no image
     */
    public static ImageFolderFrames open(
            Path folder,
            String streamId,
            long ptsBaseMicros,
            Duration spacing,
            int everyNth,
            long maxFrames,
            Float jpegQuality)
            throws IOException {
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(streamId, "streamId");
        if (spacing.isNegative() || spacing.isZero()) {
            throw new IllegalArgumentException("spacing must be positive, not " + spacing);
        }
        if (everyNth < 1) {
            throw new IllegalArgumentException("everyNth must be 1 or more, not " + everyNth);
        }
        if (jpegQuality != null && !(jpegQuality >= 0f && jpegQuality <= 1f)) {
            throw new IllegalArgumentException(
                    "jpegQuality must be between 0 and 1 (e.g. 0.85), not " + jpegQuality);
        }
        if (!Files.exists(folder)) {
            throw new NoSuchFileException(folder.toString(), null, "image folder not found");
        }
        List<Path> images;
        try (Stream<Path> files = Files.list(folder)) {
            images =
                    files.filter(Files::isRegularFile)
                            .filter(p -> mediaType(p) != null)
                            .sorted(
                                    Comparator.comparing(
                                            p -> p.getFileName().toString(), NATURAL_ORDER))
                            .collect(Collectors.toList());
        }
        if (images.isEmpty()) {
            throw new IOException(
                    "Folder " + folder + " holds no JPEG or PNG image (*.jpg, *.jpeg, *.png)");
        }
        return new ImageFolderFrames(
                images, streamId, ptsBaseMicros, spacing, everyNth, maxFrames, jpegQuality);
    }

    /** How many records this yields in all. */
    public long frameCount() {
        return Math.min(maxFrames, (images.size() + everyNth - 1) / everyNth);
    }

    @Override
    public boolean hasNext() {
        return emitted < maxFrames && nextIndex < images.size();
    }

    /**
     * The next image as a record.
     *
     * @throws UncheckedIOException naming the file when it cannot be read or is not an image
     */
    @Override
    public VideoFrame next() {
        if (!hasNext()) {
            throw new NoSuchElementException("No more images");
        }
        int index = nextIndex;
        nextIndex += everyNth;
        emitted++;
        Path file = images.get(index);
        try {
            return toRecord(file, index);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    new IOException("Cannot read image " + file + ": " + e.getMessage(), e));
        }
    }

    private VideoFrame toRecord(Path file, int index) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String mediaType = mediaType(file);
        int width;
        int height;
        if (jpegQuality != null) {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
            if (image == null) {
                throw new IOException("not a JPEG or PNG image");
            }
            width = image.getWidth();
            height = image.getHeight();
            bytes = encodeJpeg(image, jpegQuality);
            mediaType = VideoFileFrames.MEDIA_TYPE;
        } else {
            int[] size = headerSize(bytes);
            width = size[0];
            height = size[1];
        }
        return VideoFrame.newBuilder()
                .setStreamId(streamId)
                .setSequence(index)
                .setPtsMicros(ptsBaseMicros + index * spacingMicros)
                .setWidth(width)
                .setHeight(height)
                .setMediaType(mediaType)
                .setImage(ByteBuffer.wrap(bytes))
                .setMetadata(Map.of(VideoFileFrames.SOURCE_KEY, file.getFileName().toString()))
                .build();
    }

    /** Width and height from the image's header, without decoding its pixels. */
    private static int[] headerSize(byte[] bytes) throws IOException {
        try (ImageInputStream in =
                ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new IOException("not a JPEG or PNG image");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return new int[] {reader.getWidth(0), reader.getHeight(0)};
            } finally {
                reader.dispose();
            }
        }
    }

    private static byte[] encodeJpeg(BufferedImage image, float quality) throws IOException {
        if (image.getColorModel().hasAlpha() || image.getType() == BufferedImage.TYPE_CUSTOM) {
            // JPEG has no alpha channel; ImageIO's writer fails on ARGB and some PNG layouts.
            BufferedImage rgb =
                    new BufferedImage(
                            image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
            rgb.createGraphics().drawImage(image, 0, 0, java.awt.Color.BLACK, null);
            image = rgb;
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
            try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
                writer.setOutput(out);
                writer.write(null, new IIOImage(image, null, null), param);
            }
            return bytes.toByteArray();
        } finally {
            writer.dispose();
        }
    }

    /** {@code image/jpeg} or {@code image/png} from the file's extension, or null. */
    static String mediaType(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".jpg") || name.endsWith(".jpeg")) {
            return "image/jpeg";
        }
        if (name.endsWith(".png")) {
            return "image/png";
        }
        return null;
    }

    /**
     * Orders names as people number files: runs of digits compare by value ({@code frame-9} before
     * {@code frame-10}), everything else character by character.
     */
    static final Comparator<String> NATURAL_ORDER =
            (a, b) -> {
                int i = 0;
                int j = 0;
                while (i < a.length() && j < b.length()) {
                    char ca = a.charAt(i);
                    char cb = b.charAt(j);
                    if (Character.isDigit(ca) && Character.isDigit(cb)) {
                        int ei = i;
                        while (ei < a.length() && Character.isDigit(a.charAt(ei))) {
                            ei++;
                        }
                        int ej = j;
                        while (ej < b.length() && Character.isDigit(b.charAt(ej))) {
                            ej++;
                        }
                        String da = a.substring(i, ei).replaceFirst("^0+(?=.)", "");
                        String db = b.substring(j, ej).replaceFirst("^0+(?=.)", "");
                        int c =
                                da.length() != db.length()
                                        ? Integer.compare(da.length(), db.length())
                                        : da.compareTo(db);
                        if (c != 0) {
                            return c;
                        }
                        i = ei;
                        j = ej;
                    } else {
                        if (ca != cb) {
                            return Character.compare(ca, cb);
                        }
                        i++;
                        j++;
                    }
                }
                int c = Integer.compare(a.length() - i, b.length() - j);
                return c != 0 ? c : a.compareTo(b);
            };

    /** Nothing native to release; here so folders and videos are used alike. */
    @Override
    public void close() {}
}
