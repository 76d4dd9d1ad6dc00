package io.vlstream.model.remote;

import java.util.Objects;

/**
 * Lineage of a served model, as plain values (the Flink side turns it into the Avro {@code
 * ModelRef}).
 *
 * @param role always {@value #CAPTIONER} here
 * @param id the served model name
 * @param version what the server reports for it, the configured version, or {@value #SERVED}
 */
public record ServedModel(String role, String id, String version) {

    public static final String CAPTIONER = "captioner";

    /** The version recorded when neither the configuration nor the server gives one. */
    public static final String SERVED = "served";

    public ServedModel {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(version, "version");
    }
}
