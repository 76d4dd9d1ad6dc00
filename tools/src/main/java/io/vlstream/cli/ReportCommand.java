package io.vlstream.cli;

import io.vlstream.jobs.SelectionOptions;
import io.vlstream.output.VlstreamOutput;
import io.vlstream.report.HeadlessChromium;
import io.vlstream.report.HtmlReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vlstream report}: one self-contained HTML page of what vlstream found. */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description =
                "Write a self-contained HTML report: per stream, a timeline of frame scores with"
                        + " the moments marked, and each moment's caption with its evidence frames"
                        + " and grounded boxes.")
final class ReportCommand implements Callable<Integer> {

    @Mixin OutputSource source;

    @Option(
            names = "--out",
            defaultValue = "report.html",
            description = "HTML file to write (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(
            names = "--threshold",
            description =
                    "Score threshold line on the timelines (default: the job's default,"
                            + " vlstream.selection.score-threshold).")
    Float threshold;

    @Option(
            names = "--screenshot",
            paramLabel = "PNG",
            description = "Also render the report with headless Chromium into this PNG file.")
    Path screenshot;

    @Option(names = "--title", defaultValue = "vlstream report", description = "Page title.")
    String title;

    @Override
    public Integer call() throws Exception {
        VlstreamOutput output = source.load();
        float line =
                threshold != null ? threshold : SelectionOptions.SCORE_THRESHOLD.defaultValue();
        String html =
                HtmlReport.render(output, new HtmlReport.Options(title, source.describe(), line));
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(out, html, StandardCharsets.UTF_8);
        System.out.printf(
                "report: %s (%d streams, %d moments, %d KiB)%n",
                out.toAbsolutePath().normalize(),
                output.streamIds().size(),
                output.moments().size(),
                Files.size(out) / 1024);
        if (screenshot != null) {
            HeadlessChromium chromium =
                    HeadlessChromium.find(1280, 2000)
                            .orElseThrow(
                                    () ->
                                            new IllegalStateException(
                                                    "--screenshot needs Chromium: apt-get install"
                                                            + " chromium, or set"
                                                            + " VLSTREAM_CHROMIUM"));
            chromium.screenshot(out, screenshot);
            System.out.println("screenshot: " + screenshot.toAbsolutePath().normalize());
        }
        return 0;
    }
}
