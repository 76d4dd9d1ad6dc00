package io.vlstream.model;

import io.vlstream.avro.ModelRef;

/** Turns text (an instruction, a timed text) into an embedding; no engine types here. */
public interface TextEncoder extends AutoCloseable {

    /**
     * Embeds a text. Implementations cache by text, so an instruction is encoded once however often
     * it is asked for.
     *
     * @return an L2-normalised embedding of {@link #dimension()} floats
     */
    float[] encodeText(String text);

    /** The embedding size. */
    int dimension();

    /** The model's id and version, for lineage on every output record. */
    ModelRef model();

    @Override
    void close();
}
