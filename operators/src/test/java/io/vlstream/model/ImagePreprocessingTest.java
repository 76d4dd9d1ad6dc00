package io.vlstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pixel conventions, layouts and crops: the silent ways a model gets the wrong input. */
class ImagePreprocessingTest {

    private static BufferedImage solid(Color c, int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        g.setColor(c);
        g.fillRect(0, 0, w, h);
        g.dispose();
        return image;
    }

    @Test
    void pixelConventionsScaleAndNormalise() {
        BufferedImage red = solid(new Color(255, 0, 51), 4, 4);
        float[] unit = ImagePreprocessing.of(2, 2, "0-1").batch(List.of(red));
        assertThat(unit).hasSize(12);
        assertThat(unit[0]).isCloseTo(1f, within(1e-6f));
        assertThat(unit[2]).isCloseTo(0.2f, within(1e-6f));
        assertThat(ImagePreprocessing.of(2, 2, "0-255").batch(List.of(red))[0]).isEqualTo(255f);
        float[] siglip = ImagePreprocessing.of(2, 2, "siglip").batch(List.of(red));
        assertThat(siglip[0]).isCloseTo(1f, within(1e-6f));
        assertThat(siglip[1]).isCloseTo(-1f, within(1e-6f));
        float[] clip = ImagePreprocessing.of(2, 2, "clip").batch(List.of(red));
        assertThat(clip[0]).isCloseTo((1f - 0.48145466f) / 0.26862954f, within(1e-5f));
        assertThatThrownBy(() -> ImagePreprocessing.of(2, 2, "0-2"))
                .hasMessageContaining("expected one of 0-1, 0-255, clip, siglip, imagenet");
    }

    @Test
    void nchwPutsEachChannelInItsOwnPlane() {
        BufferedImage image = solid(new Color(255, 0, 0), 3, 2);
        ImagePreprocessing nchw =
                ImagePreprocessing.of(3, 2, "0-1").withLayout(ImagePreprocessing.Layout.NCHW);
        float[] x = nchw.batch(List.of(image, solid(Color.BLUE, 3, 2)));
        assertThat(nchw.shape(2)).containsExactly(2, 3, 2, 3);
        // Image 0: the R plane (6 values) is all 1, the G and B planes all 0.
        for (int i = 0; i < 6; i++) {
            assertThat(x[i]).isEqualTo(1f);
            assertThat(x[6 + i]).isZero();
            assertThat(x[12 + i]).isZero();
            // Image 1 is blue: its B plane is all 1.
            assertThat(x[18 + 12 + i]).isEqualTo(1f);
        }
    }

    @Test
    void centerCropKeepsTheMiddleStretchKeepsEverything() {
        // 30x10: red left third, green middle, blue right third.
        BufferedImage image = new BufferedImage(30, 10, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, 10, 10);
        g.setColor(Color.GREEN);
        g.fillRect(10, 0, 10, 10);
        g.setColor(Color.BLUE);
        g.fillRect(20, 0, 10, 10);
        g.dispose();
        float[] cropped =
                ImagePreprocessing.of(4, 4, "0-1")
                        .withResize(ImagePreprocessing.Resize.CENTER_CROP)
                        .batch(List.of(image));
        for (int p = 0; p < 16; p++) {
            assertThat(cropped[p * 3 + 1]).as("green at pixel %d", p).isEqualTo(1f);
            assertThat(cropped[p * 3]).isZero();
        }
        float[] stretched = ImagePreprocessing.of(4, 4, "0-1").batch(List.of(image));
        assertThat(stretched[0]).isEqualTo(1f); // top-left is red
    }
}
