package io.vlstream.caption;

import io.vlstream.avro.GroundedPhrase;
import java.util.List;

/**
 * A caption and its noun phrases, each tied to the regions it names.
 *
 * @param text the caption
 * @param phrases noun phrases of {@code text}, in order; {@code text.substring(charStart, charEnd)}
 *     equals each phrase's text
 */
public record ComposedCaption(String text, List<GroundedPhrase> phrases) {

    public ComposedCaption {
        phrases = List.copyOf(phrases);
    }
}
