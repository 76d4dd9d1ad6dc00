package io.vlstream.model;

import io.vlstream.avro.ModelRef;

/**
 * Writes a caption for a moment's evidence images, prompted by its instruction. Synchronous: for
 * in-process models; a served model has an asynchronous counterpart in {@code model.remote}.
 */
public interface Captioner extends AutoCloseable {

    /** The caption text (never null; may be empty when the model stops at once). */
    String caption(CaptionRequest request);

    /** The model's id and version, for lineage on every output record. */
    ModelRef model();

    @Override
    void close();
}
