package io.vlstream.fetch;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Real sample media from Debian's {@code opencv-doc} package: {@code vtest.avi} (pedestrians and
 * parked vans, 768x576, 10 fps, 795 frames) and a few photos. Fetched once, then cached.
 */
public final class SampleMedia {

    private static final String PACKAGE = "opencv-doc";
    private static final String DATA = "/usr/share/doc/opencv-doc/examples/data/";

    /** File name → sha256 of the files vlstream uses. */
    private static final Map<String, String> FILES =
            Map.of(
                    "vtest.avi", "45cddc9490be69345cbdab64ca583be65987e864ca408038e648db99e10516cf",
                    "messi5.jpg",
                            "1d570e49654e84c7a943918537bd9e5e1ef82920152e147c834006e235be97c9",
                    "basketball1.png",
                            "ba06f6701f7260998b430c39b6557f775497e6ce7b1a74f0b7ea6af371bf54a6");

    private SampleMedia() {}

    /** The sample video: pedestrians walking past parked vans. */
    public static Path vtestAvi() throws IOException {
        return file("vtest.avi");
    }

    /** One of the sample files: vtest.avi, messi5.jpg, basketball1.png. */
    public static Path file(String name) throws IOException {
        String sha256 = FILES.get(name);
        if (sha256 == null) {
            throw new IllegalArgumentException(
                    "No sample named '" + name + "'; known: " + FILES.keySet());
        }
        return new DebianPackageFile(PACKAGE, DATA + name, sha256).fetch();
    }
}
