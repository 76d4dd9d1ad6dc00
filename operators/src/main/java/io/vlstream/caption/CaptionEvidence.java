package io.vlstream.caption;

import io.vlstream.avro.internal.ScoredFrame;
import io.vlstream.avro.internal.SelectedMoment;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import javax.imageio.ImageIO;

/** What a model captioner is shown of a moment: its evidence images, most relevant first. */
final class CaptionEvidence {

    private CaptionEvidence() {}

    /** The moment's evidence frames that carry an image, most relevant first. */
    static List<ScoredFrame> withImages(SelectedMoment moment) {
        List<ScoredFrame> frames = new ArrayList<>();
        for (ScoredFrame frame : moment.getEvidence()) {
            if (frame.getImage() != null && frame.getImage().remaining() > 0) {
                frames.add(frame);
            }
        }
        frames.sort(
                Comparator.comparingDouble(ScoredFrame::getScore)
                        .reversed()
                        .thenComparingLong(ScoredFrame::getPtsMicros));
        return frames;
    }

    /** A frame's encoded image (JPEG or PNG) as bytes. */
    static byte[] bytes(ScoredFrame frame) {
        ByteBuffer b = frame.getImage().duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /** The evidence images decoded, most relevant first; images that do not decode are skipped. */
    static List<BufferedImage> decoded(SelectedMoment moment) throws IOException {
        List<BufferedImage> images = new ArrayList<>();
        for (ScoredFrame frame : withImages(moment)) {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes(frame)));
            if (image != null) {
                images.add(image);
            }
        }
        return images;
    }
}
