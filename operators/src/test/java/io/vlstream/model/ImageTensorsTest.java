package io.vlstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class ImageTensorsTest {

    @Test
    void writesRgbInZeroTo255WithoutNormalisation() {
        BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, 0xff8001);
        image.setRGB(1, 0, 0x00ff7f);

        float[] out = ImageTensors.rgb255(image, 2, 1);

        assertThat(out).containsExactly(255f, 128f, 1f, 0f, 255f, 127f);
    }

    @Test
    void resizesLikeTensorFlowResizeBilinearWithoutHalfPixelCentres() {
        // 4x1 grey ramp 0, 100, 200, 250 down to 2x1: samples at x = 0 and x = 2.
        BufferedImage ramp = new BufferedImage(4, 1, BufferedImage.TYPE_INT_RGB);
        int[] greys = {0, 100, 200, 250};
        for (int x = 0; x < 4; x++) {
            ramp.setRGB(x, 0, greys[x] * 0x010101);
        }
        assertThat(ImageTensors.rgb255(ramp, 2, 1))
                .containsExactly(new float[] {0, 0, 0, 200, 200, 200}, within(1e-4f));

        // Up to 8x1: output x = 3 samples source x = 1.5, halfway between 100 and 200.
        float[] up = ImageTensors.rgb255(ramp, 8, 1);
        assertThat(up[3 * 3]).isCloseTo(150f, within(1e-4f));
        // Past the last source pixel the edge value repeats.
        assertThat(up[7 * 3]).isCloseTo(250f, within(1e-4f));
    }

    @Test
    void writesAtAnOffset() {
        BufferedImage image = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, 0x0a141e);
        float[] target = new float[5];
        assertThat(ImageTensors.rgb255(image, 1, 1, target, 2)).isEqualTo(3);
        assertThat(target).containsExactly(0f, 0f, 10f, 20f, 30f);
    }

    @Test
    void readsThreeByteBgrImagesLikeAnyOther() {
        BufferedImage bgr = new BufferedImage(3, 2, BufferedImage.TYPE_3BYTE_BGR);
        BufferedImage rgb = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        int[] colours = {0xff0000, 0x00ff00, 0x0000ff, 0x123456, 0xfedcba, 0x7f7f7f};
        for (int i = 0; i < colours.length; i++) {
            bgr.setRGB(i % 3, i / 3, colours[i]);
            rgb.setRGB(i % 3, i / 3, colours[i]);
        }
        float[] fromBgr = ImageTensors.rgb255(bgr, 5, 4);
        assertThat(fromBgr).containsExactly(ImageTensors.rgb255(rgb, 5, 4));
        assertThat(ImageTensors.rgb255(bgr, 3, 2)).startsWith(255f, 0f, 0f, 0f, 255f, 0f);
        // A view into a larger image takes the general path and still reads its own pixels.
        BufferedImage view = bgr.getSubimage(1, 1, 2, 1);
        assertThat(ImageTensors.rgb255(view, 2, 1))
                .containsExactly(0xfe, 0xdc, 0xba, 0x7f, 0x7f, 0x7f);
    }
}
