package io.vlstream.model.remote;

import java.time.Duration;

/**
 * A caption the served VLM wrote.
 *
 * @param caption the text of {@code choices[0].message.content}, stripped
 * @param model the model that wrote it
 * @param attempts HTTP requests it took (1 unless retried)
 * @param latency from the call to the answer, retries and waits included
 * @param finishReason {@code choices[0].finish_reason} ("stop", "length", ...), null if absent
 */
public record CaptionResult(
        String caption, ServedModel model, int attempts, Duration latency, String finishReason) {}
