package io.vlstream.decode;

import io.vlstream.avro.VideoFrame;
import io.vlstream.fetch.SampleMedia;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.Map;

/** Real photos from Debian's opencv-doc, and frames carrying them. */
final class Samples {

    /** messi5.jpg: 548 × 342 baseline JPEG. */
    static final int JPEG_WIDTH = 548;

    static final int JPEG_HEIGHT = 342;

    /** basketball1.png: 640 × 480. */
    static final int PNG_WIDTH = 640;

    static final int PNG_HEIGHT = 480;

    private Samples() {}

    static byte[] jpeg() {
        return read("messi5.jpg");
    }

    static byte[] png() {
        return read("basketball1.png");
    }

    static VideoFrame jpegFrame(byte[] image) {
        return frame("image/jpeg", image, JPEG_WIDTH, JPEG_HEIGHT);
    }

    static VideoFrame pngFrame(byte[] image) {
        return frame("image/png", image, PNG_WIDTH, PNG_HEIGHT);
    }

    static VideoFrame frame(String mediaType, byte[] image, int width, int height) {
        return VideoFrame.newBuilder()
                .setStreamId("lobby-1")
                .setSequence(17)
                .setPtsMicros(1_700_000_000_000_000L)
                .setWidth(width)
                .setHeight(height)
                .setMediaType(mediaType)
                .setImage(ByteBuffer.wrap(image))
                .setMetadata(Map.of())
                .build();
    }

    private static byte[] read(String name) {
        try {
            return Files.readAllBytes(SampleMedia.file(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
