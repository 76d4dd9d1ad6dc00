package io.vlstream.decode;

import io.vlstream.avro.internal.Failure;
import java.util.Objects;

/** The outcome of decoding one Kafka value: a record, or the failure to send to the DLQ. */
public final class Decoded<T> {

    private final T value;
    private final Failure failure;

    private Decoded(T value, Failure failure) {
        this.value = value;
        this.failure = failure;
    }

    public static <T> Decoded<T> ok(T value) {
        return new Decoded<>(Objects.requireNonNull(value, "value"), null);
    }

    public static <T> Decoded<T> failed(Failure failure) {
        return new Decoded<>(null, Objects.requireNonNull(failure, "failure"));
    }

    public boolean isOk() {
        return failure == null;
    }

    /**
     * The decoded record.
     *
     * @throws IllegalStateException if decoding failed
     */
    public T value() {
        if (failure != null) {
            throw new IllegalStateException(
                    "Decoding failed (" + failure.getReason() + "): " + failure.getMessage());
        }
        return value;
    }

    /** Why decoding failed, or null if it did not. */
    public Failure failure() {
        return failure;
    }

    @Override
    public String toString() {
        return isOk()
                ? "Decoded[" + value + "]"
                : "Decoded[" + failure.getReason() + ": " + failure.getMessage() + "]";
    }
}
