package io.vlstream.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Renders a local HTML file with headless Chromium (Debian's {@code chromium}): a PNG screenshot,
 * or the DOM after the page has loaded. Offline and without a profile: no network, no sync, no
 * first-run pages, a throw-away user data directory.
 */
public final class HeadlessChromium {

    private static final List<String> NAMES =
            List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable");

    private final Path executable;
    private final int width;
    private final int height;

    private HeadlessChromium(Path executable, int width, int height) {
        this.executable = executable;
        this.width = width;
        this.height = height;
    }

    /**
     * Chromium from {@code $VLSTREAM_CHROMIUM} or the {@code PATH}, with a window of this size (CSS
     * pixels; device scale factor 1, so screenshot pixels are CSS pixels).
     */
    public static Optional<HeadlessChromium> find(int width, int height) {
        String configured = System.getenv("VLSTREAM_CHROMIUM");
        if (configured != null && !configured.isBlank()) {
            return Optional.of(new HeadlessChromium(Path.of(configured), width, height));
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String name : NAMES) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                if (dir.isEmpty()) {
                    continue;
                }
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(new HeadlessChromium(candidate, width, height));
                }
            }
        }
        return Optional.empty();
    }

    /** Loads {@code html} and writes a screenshot of the window to {@code png}. */
    public void screenshot(Path html, Path png) throws IOException {
        Files.deleteIfExists(png);
        run(html, "--screenshot=" + png.toAbsolutePath());
        if (!Files.isRegularFile(png) || Files.size(png) == 0) {
            throw new IOException("Chromium wrote no screenshot to " + png);
        }
    }

    /** Loads {@code html} and returns its DOM as serialized after load (scripts have run). */
    public String dumpDom(Path html) throws IOException {
        return run(html, "--dump-dom");
    }

    private String run(Path html, String action) throws IOException {
        Path profile = Files.createTempDirectory("vlstream-chromium-");
        Path stdout = profile.resolve("stdout.txt");
        Path stderr = profile.resolve("stderr.txt");
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.addAll(
                List.of(
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-quic",
                        "--no-first-run",
                        "--no-default-browser-check",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--disable-extensions",
                        "--hide-scrollbars",
                        "--force-device-scale-factor=1",
                        "--user-data-dir=" + profile.resolve("profile"),
                        "--window-size=" + width + "," + height,
                        action,
                        html.toAbsolutePath().toUri().toString()));
        Process process =
                new ProcessBuilder(command)
                        .redirectOutput(stdout.toFile())
                        .redirectError(stderr.toFile())
                        .start();
        try {
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IOException("Chromium did not finish within 2 minutes: " + command);
            }
            String out = Files.readString(stdout, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IOException(
                        "Chromium exited with "
                                + process.exitValue()
                                + ": "
                                + Files.readString(stderr, StandardCharsets.UTF_8));
            }
            return out;
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while Chromium ran", e);
        } finally {
            deleteRecursively(profile);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(
                            p -> {
                                try {
                                    Files.deleteIfExists(p);
                                } catch (IOException e) {
                                    // A leftover temp file is harmless.
                                }
                            });
        } catch (IOException e) {
            // Same.
        }
    }
}
