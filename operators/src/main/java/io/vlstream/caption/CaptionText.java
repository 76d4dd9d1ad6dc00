package io.vlstream.caption;

import io.vlstream.avro.GroundedPhrase;
import io.vlstream.avro.ModelRef;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link MomentCaptioner} wrote for one moment.
 *
 * @param text the caption
 * @param phrases its noun phrases, each tied to the moment's regions, in order
 * @param model the captioner that wrote it (a served VLM names the version it answered with)
 */
public record CaptionText(String text, List<GroundedPhrase> phrases, ModelRef model) {

    public CaptionText {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(model, "model");
        phrases = List.copyOf(phrases);
    }
}
