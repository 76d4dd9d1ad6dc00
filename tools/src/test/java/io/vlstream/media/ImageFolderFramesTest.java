package io.vlstream.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure parts of reading image folders and stream URLs. */
class ImageFolderFramesTest {

    @Test
    void namesSortAsPeopleNumberFiles() {
        List<String> names =
                new ArrayList<>(
                        List.of(
                                "img10.jpg",
                                "img2.jpg",
                                "img1.png",
                                "img002b.jpg",
                                "a.jpg",
                                "img.jpg"));

        names.sort(ImageFolderFrames.NATURAL_ORDER);

        assertThat(names)
                .containsExactly(
                        "a.jpg", "img.jpg", "img1.png", "img2.jpg", "img002b.jpg", "img10.jpg");
    }

    @Test
    void streamUrlsAreShownAndStoredWithoutCredentials() {
        assertThat(
                        VideoFileFrames.withoutUserInfo(
                                URI.create("rtsp://admin:s3cret@cam-7:554/live")))
                .isEqualTo("rtsp://cam-7:554/live");
        assertThat(VideoFileFrames.withoutUserInfo(URI.create("https://host/clip.mp4")))
                .isEqualTo("https://host/clip.mp4");
    }
}
