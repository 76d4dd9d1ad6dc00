package io.vlstream.internal;

import java.time.Instant;

/** The task manager's wall clock, in the microseconds every record's time fields use. */
public final class WallClock {

    private WallClock() {}

    /** Wall-clock time in microseconds since the epoch. */
    public static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
