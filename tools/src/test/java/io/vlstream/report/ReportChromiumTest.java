package io.vlstream.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.output.RealVtestOutput;
import io.vlstream.output.VlstreamOutput;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Opens the report in headless Chromium, takes a screenshot and checks what a person would see: the
 * first evidence frame is a real photo, with boxes in the phrases' colours drawn over it, and the
 * DOM holds every evidence image and every box. The screenshot stays in {@code
 * target/report-check/} for a look.
 */
class ReportChromiumTest {

    private static final int WIDTH = 1280;
    private static final int HEIGHT = 2000;
    private static final Path DIR = Path.of("target", "report-check");

    private static HeadlessChromium chromium;

    @BeforeAll
    static void findChromium() {
        Optional<HeadlessChromium> found = HeadlessChromium.find(WIDTH, HEIGHT);
        if (found.isEmpty()) {
            System.err.println(
                    "\n!!!!!!!! ReportChromiumTest SKIPPED: no chromium on the PATH (apt-get"
                            + " install chromium; CI installs it in .ci/run) !!!!!!!!\n");
        }
        Assumptions.assumeTrue(found.isPresent(), "chromium not installed");
        chromium = found.get();
    }

    @Test
    void screenshotShowsTheEvidenceFramesWithTheirBoxes() throws Exception {
        VlstreamOutput output = RealVtestOutput.get();
        Files.createDirectories(DIR);
        Path report = DIR.resolve("report.html");
        Path png = DIR.resolve("report.png");
        String html = HtmlReport.render(output, ReportHtmlTest.OPTIONS);
        Files.writeString(report, html, StandardCharsets.UTF_8);

        chromium.screenshot(report, png);

        // Where the first evidence frame is laid out: a copy of the page with a probe script
        // (the report itself has none) writes its box into the DOM that --dump-dom prints.
        Path probe = DIR.resolve("report-probe.html");
        Files.writeString(
                probe,
                html.replace(
                        "</body>",
                        "<script>var r=document.querySelector('svg.evidence')"
                                + ".getBoundingClientRect();document.body.setAttribute("
                                + "'data-first-evidence',[r.left,r.top,r.width,r.height]"
                                + ".map(Math.round).join(','));</script></body>"),
                StandardCharsets.UTF_8);
        String dom = chromium.dumpDom(probe);
        assertThat(count(dom, "<rect[^>]*class=\"box\""))
                .isEqualTo(ReportHtmlTest.expectedBoxes(output))
                .isGreaterThan(0);
        assertThat(count(dom, "<image[^>]*href=\"data:image/jpeg;base64,"))
                .isEqualTo(ReportHtmlTest.evidenceWithImages(output));
        Matcher at =
                Pattern.compile("data-first-evidence=\"(\\d+),(\\d+),(\\d+),(\\d+)\"").matcher(dom);
        assertThat(at.find()).as("probe found the first evidence frame").isTrue();
        int x = Integer.parseInt(at.group(1));
        int y = Integer.parseInt(at.group(2));
        int w = Integer.parseInt(at.group(3));
        int h = Integer.parseInt(at.group(4));
        assertThat(w).as("evidence frame width on screen").isGreaterThan(300);
        assertThat(y + h).as("first evidence frame inside the screenshot").isLessThan(HEIGHT);

        BufferedImage shot = ImageIO.read(png.toFile());
        assertThat(shot.getWidth()).isEqualTo(WIDTH);
        // A real photo: thousands of distinct colours where the frame is.
        Set<Integer> colours = new HashSet<>();
        for (int py = y; py < y + h; py += 2) {
            for (int px = x; px < x + w; px += 2) {
                colours.add(shot.getRGB(px, py) & 0xFFFFFF);
            }
        }
        assertThat(colours.size())
                .as("distinct colours in the first evidence frame")
                .isGreaterThan(2000);
        // Boxes: pixels of the first and second phrase's colours inside that frame, none of
        // which a grey street scene has by itself.
        int firstPhrase = near(shot, x, y, w, h, Palette.rgb(Palette.phrase(0)));
        int secondPhrase = near(shot, x, y, w, h, Palette.rgb(Palette.phrase(1)));
        assertThat(firstPhrase).as("pixels of the people boxes' colour").isGreaterThan(200);
        assertThat(secondPhrase).as("pixels of the vehicle boxes' colour").isGreaterThan(200);
        // ...and where the page has no frame (the header), there are none.
        assertThat(near(shot, 0, 0, WIDTH, 150, Palette.rgb(Palette.phrase(0)))).isZero();
    }

    private static int near(BufferedImage image, int x, int y, int w, int h, int rgb) {
        int n = 0;
        for (int py = Math.max(0, y); py < Math.min(image.getHeight(), y + h); py++) {
            for (int px = Math.max(0, x); px < Math.min(image.getWidth(), x + w); px++) {
                int c = image.getRGB(px, py);
                int dr = ((c >> 16) & 0xFF) - ((rgb >> 16) & 0xFF);
                int dg = ((c >> 8) & 0xFF) - ((rgb >> 8) & 0xFF);
                int db = (c & 0xFF) - (rgb & 0xFF);
                if (dr * dr + dg * dg + db * db < 30 * 30) {
                    n++;
                }
            }
        }
        return n;
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
