package io.vlstream.model.remote;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.Optional;

/**
 * The OpenAI chat-completions wire format as vLLM, Ollama, TGI and llama.cpp server accept it: the
 * request body, the caption in the answer, the message in an error, a model's version in {@code GET
 * /models}. Pure functions over JSON text.
 */
public final class ChatCompletionsWire {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ERROR_CHARS = 300;

    private ChatCompletionsWire() {}

    /** An answer that is not a chat completion with text in it. */
    public static final class MalformedResponseException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedResponseException(String message) {
            super(message);
        }
    }

    /**
     * {@code {"model", "messages": [system, user: [text, image_url...]], "max_tokens",
     * "temperature", "stream": false}} with each image as a {@code data:<type>;base64,} URL.
     */
    public static byte[] requestBody(ChatEndpoint endpoint, CaptionPrompt prompt) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", endpoint.model());
        ArrayNode messages = body.putArray("messages");
        if (!endpoint.systemPrompt().isEmpty()) {
            messages.addObject().put("role", "system").put("content", endpoint.systemPrompt());
        }
        ObjectNode user = messages.addObject().put("role", "user");
        ArrayNode content = user.putArray("content");
        content.addObject().put("type", "text").put("text", prompt.userText());
        Base64.Encoder base64 = Base64.getEncoder();
        for (CaptionPrompt.Image image : prompt.images()) {
            content.addObject()
                    .put("type", "image_url")
                    .putObject("image_url")
                    .put(
                            "url",
                            "data:"
                                    + image.mediaType()
                                    + ";base64,"
                                    + base64.encodeToString(image.bytes()));
        }
        body.put("max_tokens", endpoint.maxTokens());
        body.put("temperature", endpoint.temperature());
        body.put("stream", false);
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a chat request", e);
        }
    }

    /** The caption and finish reason of a 2xx answer. */
    public record Answer(String text, String finishReason) {}

    /** Reads {@code choices[0].message.content} (a string, or a list of text parts). */
    public static Answer answer(String body) throws MalformedResponseException {
        JsonNode root = parse(body);
        JsonNode choices = root.path("choices");
        if (!choices.isArray() || choices.isEmpty()) {
            throw new MalformedResponseException("the answer has no choices: " + abbreviate(body));
        }
        JsonNode choice = choices.get(0);
        String finish =
                choice.path("finish_reason").isTextual()
                        ? choice.path("finish_reason").asText()
                        : null;
        JsonNode content = choice.path("message").path("content");
        String text;
        if (content.isTextual()) {
            text = content.asText();
        } else if (content.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : content) {
                if (part.path("text").isTextual()) {
                    sb.append(part.path("text").asText());
                }
            }
            text = sb.toString();
        } else {
            text = "";
        }
        text = text.strip();
        if (text.isEmpty()) {
            throw new MalformedResponseException(
                    "the answer has no text in choices[0].message.content (finish_reason="
                            + finish
                            + ")");
        }
        return new Answer(text, finish);
    }

    /**
     * The server's own words in an error body: {@code error.message} (OpenAI, vLLM, Ollama,
     * llama.cpp), a string {@code error} (TGI), a top-level {@code message} (older vLLM), else the
     * start of the body.
     */
    public static String errorMessage(String body) {
        if (body == null || body.isBlank()) {
            return "(empty body)";
        }
        try {
            JsonNode root = JSON.readTree(body);
            JsonNode error = root.path("error");
            if (error.path("message").isTextual()) {
                return abbreviate(error.path("message").asText());
            }
            if (error.isTextual()) {
                return abbreviate(error.asText());
            }
            if (root.path("message").isTextual()) {
                return abbreviate(root.path("message").asText());
            }
        } catch (JsonProcessingException e) {
            // not JSON: a proxy's page, say
        }
        return abbreviate(body);
    }

    /**
     * The version {@code GET /models} reports for {@code model}: its {@code version} field, else
     * its {@code root} (vLLM: the weights it was loaded from) when that differs from the id. Empty
     * when the model is listed without either; the exception when it is not listed at all.
     */
    public static Optional<String> modelVersion(String body, String model)
            throws MalformedResponseException {
        JsonNode data = parse(body).path("data");
        if (!data.isArray()) {
            throw new MalformedResponseException(
                    "GET /models has no data list: " + abbreviate(body));
        }
        StringBuilder listed = new StringBuilder();
        for (JsonNode entry : data) {
            String id = entry.path("id").asText("");
            if (!id.equals(model)) {
                listed.append(listed.length() == 0 ? "" : ", ").append(id);
                continue;
            }
            if (entry.path("version").isValueNode() && !entry.path("version").asText().isBlank()) {
                return Optional.of(entry.path("version").asText());
            }
            String root = entry.path("root").asText("");
            if (!root.isBlank() && !root.equals(id)) {
                return Optional.of(root);
            }
            return Optional.empty();
        }
        throw new MalformedResponseException(
                "the server does not list model '" + model + "'; it lists: " + listed);
    }

    private static JsonNode parse(String body) throws MalformedResponseException {
        try {
            JsonNode root = JSON.readTree(body == null ? "" : body);
            if (root == null || !root.isObject()) {
                throw new MalformedResponseException("not a JSON object: " + abbreviate(body));
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new MalformedResponseException(
                    "not JSON (" + e.getOriginalMessage() + "): " + abbreviate(body));
        }
    }

    static String abbreviate(String s) {
        if (s == null) {
            return "";
        }
        String flat = s.strip().replaceAll("\\s+", " ");
        return flat.length() <= MAX_ERROR_CHARS ? flat : flat.substring(0, MAX_ERROR_CHARS) + "...";
    }
}
