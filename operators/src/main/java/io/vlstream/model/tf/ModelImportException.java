package io.vlstream.model.tf;

import java.io.IOException;

/** A model file that cannot be converted; the message names the offending node, op or weight. */
public final class ModelImportException extends IOException {

    private static final long serialVersionUID = 1L;

    public ModelImportException(String message) {
        super(message);
    }

    public ModelImportException(String message, Throwable cause) {
        super(message, cause);
    }
}
