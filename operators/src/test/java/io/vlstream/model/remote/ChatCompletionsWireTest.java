package io.vlstream.model.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vlstream.model.remote.ChatCompletionsWire.MalformedResponseException;
import org.junit.jupiter.api.Test;

/** Answers and errors as the servers that speak this format write them. */
class ChatCompletionsWireTest {

    @Test
    void readsTheCaptionAsAStringOrAsTextParts() throws Exception {
        assertThat(
                        ChatCompletionsWire.answer(
                                "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":"
                                        + "\"  A man walks past a van.\\n\"},\"finish_reason\":\"stop\"}]}"))
                .isEqualTo(new ChatCompletionsWire.Answer("A man walks past a van.", "stop"));
        assertThat(
                        ChatCompletionsWire.answer(
                                        "{\"choices\":[{\"message\":{\"content\":[{\"type\":\"text\","
                                                + "\"text\":\"Two people\"},{\"type\":\"text\",\"text\":\" talk.\"}]}}]}")
                                .text())
                .isEqualTo("Two people talk.");
    }

    @Test
    void anAnswerWithoutTextIsMalformed() {
        assertThatThrownBy(() -> ChatCompletionsWire.answer("{\"choices\":[]}"))
                .isInstanceOf(MalformedResponseException.class)
                .hasMessageContaining("no choices");
        assertThatThrownBy(
                        () ->
                                ChatCompletionsWire.answer(
                                        "{\"choices\":[{\"message\":{\"content\":null},"
                                                + "\"finish_reason\":\"length\"}]}"))
                .hasMessageContaining("no text")
                .hasMessageContaining("finish_reason=length");
        assertThatThrownBy(() -> ChatCompletionsWire.answer("<html>502</html>"))
                .hasMessageContaining("not JSON");
    }

    @Test
    void errorMessagesOfEachServerStyle() {
        // OpenAI, vLLM (current), Ollama, llama.cpp server
        assertThat(
                        ChatCompletionsWire.errorMessage(
                                "{\"error\":{\"message\":\"model not found\",\"type\":\"x\"}}"))
                .isEqualTo("model not found");
        // TGI
        assertThat(
                        ChatCompletionsWire.errorMessage(
                                "{\"error\":\"Input validation error\",\"error_type\":\"validation\"}"))
                .isEqualTo("Input validation error");
        // older vLLM
        assertThat(
                        ChatCompletionsWire.errorMessage(
                                "{\"object\":\"error\",\"message\":\"too many images\",\"code\":400}"))
                .isEqualTo("too many images");
        assertThat(ChatCompletionsWire.errorMessage("<html>\n<b>Bad gateway</b></html>"))
                .isEqualTo("<html> <b>Bad gateway</b></html>");
        assertThat(ChatCompletionsWire.errorMessage("x".repeat(1000))).hasSize(303);
        assertThat(ChatCompletionsWire.errorMessage("")).isEqualTo("(empty body)");
    }

    @Test
    void modelVersionFromTheModelList() throws Exception {
        String vllm =
                "{\"object\":\"list\",\"data\":[{\"id\":\"llava\",\"object\":\"model\","
                        + "\"created\":1718000000,\"owned_by\":\"vllm\",\"root\":\"llava-hf/llava-1.5-7b-hf\"}]}";
        String ollama =
                "{\"object\":\"list\",\"data\":[{\"id\":\"llava:7b\",\"object\":\"model\","
                        + "\"created\":1718000000,\"owned_by\":\"library\"}]}";
        String versioned = "{\"data\":[{\"id\":\"m\",\"version\":\"3\",\"root\":\"r\"}]}";

        assertThat(ChatCompletionsWire.modelVersion(vllm, "llava"))
                .contains("llava-hf/llava-1.5-7b-hf");
        assertThat(ChatCompletionsWire.modelVersion(ollama, "llava:7b")).isEmpty();
        assertThat(ChatCompletionsWire.modelVersion(versioned, "m")).contains("3");
        assertThatThrownBy(() -> ChatCompletionsWire.modelVersion(ollama, "llava"))
                .hasMessageContaining("does not list model 'llava'")
                .hasMessageContaining("llava:7b");
    }
}
