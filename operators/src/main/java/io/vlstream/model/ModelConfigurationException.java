package io.vlstream.model;

/**
 * A model spec or model that cannot serve its role; the message says what was expected and what was
 * found. Thrown at startup (job build or operator {@code open()}), never per record.
 */
public class ModelConfigurationException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public ModelConfigurationException(String message) {
        super(message);
    }

    public ModelConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
