package io.vlstream.fetch;

import java.io.IOException;

/** Something vlstream needs could not be fetched; the message says what and how to fix it. */
public class FetchException extends IOException {
    public FetchException(String message) {
        super(message);
    }

    public FetchException(String message, Throwable cause) {
        super(message, cause);
    }
}
