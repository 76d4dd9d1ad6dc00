package io.vlstream.model.tf;

import io.vlstream.avro.Detection;
import io.vlstream.fetch.SampleMedia;
import io.vlstream.model.DetectorSettings;
import io.vlstream.model.builtin.BuiltinModels;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CenterNetDetectorTest {

    private static CenterNetDetector detector;

    @BeforeAll
    static void load() throws IOException {
        detector =
                new CenterNetDetector(
                        BuiltinModels.cocoCenterNetSavedModel(), DetectorSettings.defaults());
    }

    @AfterAll
    static void close() {
        if (detector != null) {
            detector.close();
        }
    }

    private static BufferedImage sample(String name) throws IOException {
        return ImageIO.read(SampleMedia.file(name).toFile());
    }

    @Test
    void messi() throws IOException {
        BufferedImage image = sample("messi5.jpg");
        List<Detection> detections = detector.detect(image);
        System.out.println("messi5.jpg " + image.getWidth() + "x" + image.getHeight());
        detections.forEach(System.out::println);
    }

    @Test
    void basketball() throws IOException {
        BufferedImage image = sample("basketball1.png");
        List<Detection> detections = detector.detect(image);
        System.out.println("basketball1.png " + image.getWidth() + "x" + image.getHeight());
        detections.forEach(System.out::println);
    }
}
