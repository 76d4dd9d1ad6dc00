package io.vlstream.cli;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Says when Kafka stops acknowledging what a feeder sends, and when it is back: the producer keeps
 * retrying in order on its own (its delivery timeout is the outage the feeder rides out), and this
 * tells the user what is going on meanwhile, and how long the longest outage was.
 */
final class OutageWatch implements AutoCloseable {

    /** No acknowledgement for this long, with records waiting, counts as an outage. */
    static final Duration QUIET_LIMIT = Duration.ofSeconds(3);

    /** While an outage lasts, it is reported this often. */
    private static final Duration REPORT_EVERY = Duration.ofSeconds(5);

    private final Console console;
    private final ScheduledExecutorService timer;
    private long sent;
    private long acked;
    private long lastAckNanos = System.nanoTime();
    private boolean inOutage;
    private long outageStartNanos;
    private long lastReportNanos;
    private int outages;
    private long longestOutageNanos;

    OutageWatch(Console console) {
        this.console = console;
        this.timer =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "vlstream-outage-watch");
                            t.setDaemon(true);
                            return t;
                        });
        timer.scheduleWithFixedDelay(this::check, 1, 1, TimeUnit.SECONDS);
    }

    synchronized void sent() {
        sent++;
    }

    /** A record was acknowledged, or failed for good (either way it no longer waits). */
    synchronized void acked() {
        acked++;
        lastAckNanos = System.nanoTime();
        if (inOutage) {
            inOutage = false;
            long lasted = lastAckNanos - outageStartNanos;
            longestOutageNanos = Math.max(longestOutageNanos, lasted);
            console.block(
                    String.format(
                            "  Kafka is back after %.1f s without acknowledgements; resuming",
                            lasted / 1e9));
        }
    }

    /** Outages ridden out so far. */
    synchronized int outages() {
        return outages;
    }

    synchronized Duration longestOutage() {
        long now = System.nanoTime();
        long current = inOutage ? now - outageStartNanos : 0;
        return Duration.ofNanos(Math.max(longestOutageNanos, current));
    }

    private synchronized void check() {
        long now = System.nanoTime();
        boolean waiting = sent > acked;
        if (!waiting || now - lastAckNanos < QUIET_LIMIT.toNanos()) {
            return;
        }
        boolean firstReport = !inOutage;
        if (firstReport) {
            inOutage = true;
            outageStartNanos = lastAckNanos;
            outages++;
        }
        if (firstReport || now - lastReportNanos >= REPORT_EVERY.toNanos()) {
            lastReportNanos = now;
            console.block(
                    String.format(
                            "  Kafka has acknowledged nothing for %.0f s (%d frames waiting);"
                                    + " retrying",
                            (now - outageStartNanos) / 1e9, sent - acked));
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
