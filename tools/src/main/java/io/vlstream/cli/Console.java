package io.vlstream.cli;

import io.vlstream.avro.DeadLetter;
import io.vlstream.avro.GroundedCaption;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;

/**
 * The demo's terminal: steps, a progress line redrawn in place, captions and dead letters printed
 * above it as they arrive, and a summary.
 */
final class Console {

    private final PrintWriter out;
    private final boolean interactive;
    private String progressLine;

    /** Standard output; the progress line is redrawn in place when it is a terminal. */
    Console() {
        this(new PrintWriter(System.out, true), System.console() != null);
    }

    /**
     * @param out where everything goes (picocli's {@code getOut()} in the tools, so tests can
     *     capture it)
     * @param interactive whether {@code out} is a terminal the progress line can be redrawn on
     */
    Console(PrintWriter out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    synchronized void heading(String text) {
        out.println();
        out.println("== " + text + " ==");
    }

    synchronized void step(String text) {
        clearProgress();
        out.println("  " + text);
        redrawProgress();
    }

    synchronized void block(String text) {
        clearProgress();
        out.println(text);
        out.flush();
        redrawProgress();
    }

    synchronized void deadLetter(DeadLetter letter) {
        block(
                "  DLQ  "
                        + letter.getReason()
                        + " at "
                        + letter.getSourceTopic()
                        + "/"
                        + letter.getSourcePartition()
                        + "@"
                        + letter.getSourceOffset()
                        + ": "
                        + letter.getMessage());
    }

    /**
     * Shows a progress line; on a terminal it is redrawn in place, elsewhere printed now and then.
     */
    synchronized void progress(String line, boolean finished) {
        if (interactive) {
            progressLine = finished ? null : line;
            out.print("\r\033[K  " + line + (finished ? "\n" : ""));
            out.flush();
        } else if (finished) {
            out.println("  " + line);
            out.flush();
        }
    }

    synchronized void periodic(String line) {
        if (!interactive) {
            out.println("  " + line);
            out.flush();
        }
    }

    private void clearProgress() {
        if (interactive && progressLine != null) {
            out.print("\r\033[K");
        }
    }

    private void redrawProgress() {
        if (interactive && progressLine != null) {
            out.print("  " + progressLine);
            out.flush();
        }
    }

    synchronized void summary(
            int published,
            int scored,
            List<GroundedCaption> captions,
            int deadLetters,
            Duration wall) {
        clearProgress();
        progressLine = null;
        double seconds = wall.toMillis() / 1000.0;
        out.println();
        out.println("== summary ==");
        out.printf("  frames published     %d%n", published);
        out.printf("  frames scored        %d%n", scored);
        out.printf(
                "  moments captioned    %d (%d caption records, updates included)%n",
                captions.stream().map(GroundedCaption::getMomentId).distinct().count(),
                captions.size());
        out.printf(
                "  boxes in captions    %d%n",
                captions.stream()
                        .flatMap(c -> c.getPhrases().stream())
                        .mapToInt(p -> p.getRegions().size())
                        .sum());
        out.printf("  dead letters         %d%n", deadLetters);
        out.printf("  wall time            %.1f s (start-up and downloads included)%n", seconds);
        long[] latencies =
                captions.stream()
                        .mapToLong(GroundedCaption::getProcessingLatencyMicros)
                        .sorted()
                        .toArray();
        if (latencies.length > 0) {
            out.printf(
                    "  caption latency      p50 %.2f s, max %.2f s (moment's last frame in → caption out)%n",
                    latencies[latencies.length / 2] / 1e6, latencies[latencies.length - 1] / 1e6);
        }
        if (captions.isEmpty()) {
            out.println("  No moment matched the instruction: try another with --instruction.");
        }
        out.flush();
    }
}
