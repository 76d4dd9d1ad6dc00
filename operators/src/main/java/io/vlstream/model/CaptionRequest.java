package io.vlstream.model;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Optional;

/**
 * What a captioner is asked: the instruction, an optional caption prompt that replaces it as the
 * model's prompt, and the moment's evidence images, most relevant first.
 *
 * @param instruction the instruction's text
 * @param captionPrompt the instruction's caption prompt, or null
 * @param images evidence images, most relevant first; at least one
 */
public record CaptionRequest(String instruction, String captionPrompt, List<BufferedImage> images) {

    public CaptionRequest {
        if (instruction == null) {
            throw new IllegalArgumentException("instruction is null");
        }
        if (images == null || images.isEmpty()) {
            throw new IllegalArgumentException("a caption request needs at least one image");
        }
        images = List.copyOf(images);
        if (captionPrompt != null && captionPrompt.isBlank()) {
            captionPrompt = null;
        }
    }

    /** A request without a caption prompt. */
    public static CaptionRequest of(String instruction, List<BufferedImage> images) {
        return new CaptionRequest(instruction, null, images);
    }

    /** The caption prompt, if one was given. */
    public Optional<String> prompt() {
        return Optional.ofNullable(captionPrompt);
    }

    /** The text the model is prompted with: the caption prompt if given, else the instruction. */
    public String promptText() {
        return captionPrompt != null ? captionPrompt : instruction;
    }
}
