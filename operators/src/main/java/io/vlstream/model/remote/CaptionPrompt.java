package io.vlstream.model.remote;

import java.util.List;
import java.util.Objects;

/**
 * What the served VLM is asked: the instruction, the instruction's own caption prompt if it has
 * one, and the evidence images in the order the model should see them.
 *
 * @param instruction the user's instruction text, e.g. "a person walks next to a van"
 * @param prompt the instruction's caption prompt; null for {@link #DEFAULT_PROMPT}
 * @param images encoded images (JPEG or PNG), at least one
 */
public record CaptionPrompt(String instruction, String prompt, List<Image> images) {

    /** The question asked when the instruction brings no caption prompt of its own. */
    public static final String DEFAULT_PROMPT =
            "These frames show one moment of a video, the most relevant first. In one or two"
                    + " sentences, describe what happens in them that concerns the instruction.";

    /** One encoded image and its media type ({@code image/jpeg}, {@code image/png}). */
    public record Image(byte[] bytes, String mediaType) {
        public Image {
            Objects.requireNonNull(bytes, "bytes");
            if (bytes.length == 0) {
                throw new IllegalArgumentException("an image has no bytes");
            }
            mediaType = mediaType == null || mediaType.isBlank() ? "image/jpeg" : mediaType;
        }
    }

    public CaptionPrompt {
        Objects.requireNonNull(instruction, "instruction");
        images = List.copyOf(images);
        if (images.isEmpty()) {
            throw new IllegalArgumentException("a caption needs at least one image");
        }
    }

    /** The text part of the user message: the prompt, then the instruction. */
    public String userText() {
        String question = prompt == null || prompt.isBlank() ? DEFAULT_PROMPT : prompt.strip();
        return question + "\n\nInstruction: " + instruction.strip();
    }
}
