package io.vlstream.sizing;

import java.util.function.ToIntFunction;

/**
 * The outcome of fitting a record to a size limit: the record to send (the input itself when it
 * already fits, else the first trimming step that fits), or null with the smallest size reached.
 *
 * @param record the record to send, or null when no step fits
 * @param originalBytes the size of the input record
 * @param bytes the size of {@code record}; when it is null, the smallest size any step reached
 *     ({@code originalBytes} if no step applied)
 * @param stepsTried trimming steps tried: 0 when the input fitted as it was
 * @param <T> the record type
 */
public record Fitted<T>(T record, int originalBytes, int bytes, int stepsTried) {

    /**
     * Steps tried before giving up. Above every policy here (a caption has at most 32 evidence
     * images + 4 list caps + 1 text step = 37), so it only stops a {@link Trimming} that never
     * returns null.
     */
    public static final int MAX_STEPS = 64;

    /** Fits {@code record} to {@code maxBytes}, measuring the input with {@code sizeOf} too. */
    public static <T> Fitted<T> fit(
            T record, Trimming<T> trimming, ToIntFunction<T> sizeOf, int maxBytes) {
        return fit(record, sizeOf.applyAsInt(record), trimming, sizeOf, maxBytes);
    }

    /**
     * Fits {@code record}, whose size {@code recordBytes} is already known, to {@code maxBytes}:
     * the record itself if it fits, else the first of steps 0, 1, ... (at most {@link #MAX_STEPS})
     * whose result fits, else none.
     */
    public static <T> Fitted<T> fit(
            T record,
            int recordBytes,
            Trimming<T> trimming,
            ToIntFunction<T> sizeOf,
            int maxBytes) {
        if (recordBytes <= maxBytes) {
            return new Fitted<>(record, recordBytes, recordBytes, 0);
        }
        int smallest = recordBytes;
        int tried = 0;
        while (tried < MAX_STEPS) {
            T trimmed = trimming.trim(record, tried);
            if (trimmed == null) {
                break;
            }
            tried++;
            int size = sizeOf.applyAsInt(trimmed);
            if (size <= maxBytes) {
                return new Fitted<>(trimmed, recordBytes, size, tried);
            }
            smallest = Math.min(smallest, size);
        }
        return new Fitted<>(null, recordBytes, smallest, tried);
    }

    /** Whether there is a record to send. */
    public boolean fits() {
        return record != null;
    }

    /** Whether the record to send is a trimmed copy rather than the input. */
    public boolean trimmed() {
        return record != null && stepsTried > 0;
    }
}
