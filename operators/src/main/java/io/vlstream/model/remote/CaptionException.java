package io.vlstream.model.remote;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Why the served VLM gave no caption: the kind decides what the caller does with it (all of them
 * end on the DLQ in the job; none of them restarts it), the message is for a human.
 */
public final class CaptionException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The classes of failure, from the caller's point of view. */
    public enum Kind {
        /** {@code max-in-flight} requests were already open; nothing was sent. */
        BUSY,
        /** The endpoint failed repeatedly and is being rested; nothing was sent. */
        CIRCUIT_OPEN,
        /** The last attempt, or the whole call, ran out of time. */
        TIMEOUT,
        /** Every allowed attempt met a transient failure (connection, 408, 429, 5xx). */
        TRANSIENT_EXHAUSTED,
        /** Retrying cannot help: a 4xx other than 408/429, or an answer that is not a caption. */
        PERMANENT
    }

    private final Kind kind;
    private final int attempts;

    public CaptionException(Kind kind, String message, int attempts, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.attempts = attempts;
    }

    public CaptionException(Kind kind, String message, int attempts) {
        this(kind, message, attempts, null);
    }

    public Kind kind() {
        return kind;
    }

    /** HTTP requests that were sent (0 when refused before sending). */
    public int attempts() {
        return attempts;
    }

    /** The failure behind a future's exception: itself, or any other error as PERMANENT. */
    public static CaptionException of(Throwable error) {
        Throwable e = error;
        while ((e instanceof CompletionException || e instanceof ExecutionException)
                && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof CaptionException failure) {
            return failure;
        }
        return new CaptionException(Kind.PERMANENT, "unexpected error: " + e, 0, e);
    }

    @Override
    public String toString() {
        return kind + ": " + getMessage();
    }
}
