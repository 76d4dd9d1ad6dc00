package io.vlstream.texts;

import java.math.BigDecimal;

/**
 * Reads the times of timed-text files: {@code hh:mm:ss,mmm} (SubRip), {@code [hh:]mm:ss.mmm}
 * (WebVTT), or seconds such as {@code 12.5} (label files). Each part is checked for its digits and
 * range before it is read, so no input can overflow or run long.
 */
final class TimeSpans {

    /** Longest time read: 1,000,000 hours, far past any video, and far from overflowing. */
    private static final long MAX_HOURS = 1_000_000;

    private TimeSpans() {}

    /** A clock time, {@code hh:mm:ss.mmm} or {@code mm:ss.mmm} ({@code ,} also separates ms). */
    static long clockMicros(String value) {
        String v = value.strip();
        String[] parts = v.split(":", -1);
        if (parts.length < 2 || parts.length > 3) {
            throw bad(value, "write hh:mm:ss.mmm or mm:ss.mmm");
        }
        String last = parts[parts.length - 1];
        int dot = Math.max(last.indexOf('.'), last.indexOf(','));
        String seconds = dot < 0 ? last : last.substring(0, dot);
        String fraction = dot < 0 ? "" : last.substring(dot + 1);
        long hours = parts.length == 3 ? number(parts[0], 7, MAX_HOURS, value) : 0;
        long minutes = number(parts[parts.length - 2], 2, 59, value);
        long secs = number(seconds, 2, 59, value);
        if (fraction.length() > 3 || !digits(fraction)) {
            throw bad(value, "at most three digits of milliseconds");
        }
        long millis = fraction.isEmpty() ? 0 : Long.parseLong((fraction + "00").substring(0, 3));
        return ((hours * 60 + minutes) * 60 + secs) * 1_000_000 + millis * 1_000;
    }

    /** Seconds from the file's zero ({@code 12.5}), or a clock time. */
    static long secondsOrClockMicros(String value) {
        String v = value.strip();
        if (v.indexOf(':') >= 0) {
            return clockMicros(v);
        }
        if (v.isEmpty() || v.length() > 24) {
            throw bad(value, "write seconds (12.5) or hh:mm:ss.mmm");
        }
        BigDecimal seconds;
        try {
            seconds = new BigDecimal(v);
        } catch (NumberFormatException e) {
            throw bad(value, "write seconds (12.5) or hh:mm:ss.mmm");
        }
        if (seconds.signum() < 0 || seconds.compareTo(BigDecimal.valueOf(MAX_HOURS * 3600)) > 0) {
            throw bad(value, "seconds must be between 0 and " + MAX_HOURS * 3600);
        }
        return seconds.movePointRight(6)
                .setScale(0, java.math.RoundingMode.HALF_UP)
                .longValueExact();
    }

    private static long number(String part, int maxDigits, long max, String value) {
        if (part.isEmpty() || part.length() > maxDigits || !digits(part)) {
            throw bad(value, "write hh:mm:ss.mmm or mm:ss.mmm");
        }
        long n = Long.parseLong(part);
        if (n > max) {
            throw bad(value, "'" + part + "' is out of range (at most " + max + ")");
        }
        return n;
    }

    private static boolean digits(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static IllegalArgumentException bad(String value, String hint) {
        String shown = value.length() > 40 ? value.substring(0, 40) + "…" : value;
        return new IllegalArgumentException("'" + shown + "' is not a time: " + hint);
    }
}
