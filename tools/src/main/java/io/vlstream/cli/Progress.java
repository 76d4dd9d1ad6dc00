package io.vlstream.cli;

/** A progress line: count, total when known, rate; redrawn at most a few times a second. */
final class Progress {

    private final Console console;
    private final String what;
    private final long total;
    private final long startNanos = System.nanoTime();
    private long lastDrawNanos;
    private long lastPeriodicNanos = System.nanoTime();

    Progress(Console console, String what, long total) {
        this.console = console;
        this.what = what;
        this.total = total;
    }

    void update(long count) {
        long now = System.nanoTime();
        if (now - lastDrawNanos < 200_000_000L) {
            return;
        }
        lastDrawNanos = now;
        console.progress(line(count), false);
        if (now - lastPeriodicNanos > 10_000_000_000L) {
            lastPeriodicNanos = now;
            console.periodic(line(count));
        }
    }

    void done(long count) {
        console.progress(line(count), true);
    }

    private String line(long count) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        String bar = "";
        if (total > 0) {
            int width = 30;
            int filled = (int) Math.min(width, count * width / total);
            bar = "[" + "#".repeat(filled) + ".".repeat(width - filled) + "] ";
        }
        return String.format(
                "%s%s %d%s  (%.1f/s)",
                bar,
                what,
                count,
                total > 0 ? "/" + total : "",
                seconds > 0 ? count / seconds : 0.0);
    }
}
