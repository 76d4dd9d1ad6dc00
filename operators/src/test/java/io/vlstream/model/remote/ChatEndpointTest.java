package io.vlstream.model.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Reading and checking {@code openai:} endpoint URIs. */
class ChatEndpointTest {

    @Test
    void aUriWithOnlyTheModelTakesEveryDefault() {
        ChatEndpoint e =
                ChatEndpoint.parse("openai:http://gpu-box:8000/v1/?model=llava-hf/llava-1.5-7b-hf");

        assertThat(e.baseUri()).isEqualTo(URI.create("http://gpu-box:8000/v1"));
        assertThat(e.chatCompletionsUri())
                .isEqualTo(URI.create("http://gpu-box:8000/v1/chat/completions"));
        assertThat(e.modelsUri()).isEqualTo(URI.create("http://gpu-box:8000/v1/models"));
        assertThat(e.model()).isEqualTo("llava-hf/llava-1.5-7b-hf");
        assertThat(e.maxInFlight()).isEqualTo(8);
        assertThat(e.timeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(e.totalTimeout()).isEqualTo(Duration.ofMinutes(3));
        assertThat(e.asyncTimeout()).isEqualTo(Duration.ofMinutes(3).plusSeconds(5));
        assertThat(e.retries()).isEqualTo(2);
        assertThat(e.circuitFailures()).isEqualTo(5);
        assertThat(e.maxTokens()).isEqualTo(128);
        assertThat(e.apiKeyEnv()).isNull();
        assertThat(e.modelVersion()).isNull();
    }

    @Test
    void everyOptionIsReadAndWrittenBack() {
        String uri =
                "openai:https://vlm.example:443/v1?model=qwen2-vl&model-version=2024-09"
                        + "&api-key-env=VLM_API_KEY&max-in-flight=4&timeout=20s&total-timeout=1min"
                        + "&connect-timeout=2s&retries=5&backoff=250ms&max-backoff=4s"
                        + "&max-retry-after=1min&circuit-failures=10&circuit-cool-down=2min"
                        + "&max-tokens=64&temperature=0.7&system-prompt=Be%20brief.";

        ChatEndpoint e = ChatEndpoint.parse(uri);

        assertThat(e.maxInFlight()).isEqualTo(4);
        assertThat(e.timeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(e.totalTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(e.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(e.retries()).isEqualTo(5);
        assertThat(e.backoff()).isEqualTo(Duration.ofMillis(250));
        assertThat(e.maxBackoff()).isEqualTo(Duration.ofSeconds(4));
        assertThat(e.maxRetryAfter()).isEqualTo(Duration.ofMinutes(1));
        assertThat(e.circuitFailures()).isEqualTo(10);
        assertThat(e.circuitCoolDown()).isEqualTo(Duration.ofMinutes(2));
        assertThat(e.maxTokens()).isEqualTo(64);
        assertThat(e.temperature()).isEqualTo(0.7);
        assertThat(e.systemPrompt()).isEqualTo("Be brief.");
        assertThat(e.modelVersion()).isEqualTo("2024-09");
        assertThat(e.apiKeyEnv()).isEqualTo("VLM_API_KEY");
        assertThat(ChatEndpoint.parse(e.toUri())).isEqualTo(e);
        assertThat(e.toBuilder().build()).isEqualTo(e);
    }

    @Test
    void survivesJavaSerializationAsFlinkShipsIt() throws Exception {
        ChatEndpoint e = ChatEndpoint.parse("openai:http://h:1/v1?model=m&timeout=5s");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(e);
        }
        try (ObjectInputStream in =
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertThat(in.readObject()).isEqualTo(e);
        }
    }

    @Test
    void mistakesAreNamedWithTheFix() {
        assertThatThrownBy(() -> ChatEndpoint.parse("http://h:8000/v1?model=m"))
                .hasMessageContaining("openai:http://host:8000/v1?model=NAME");
        assertThatThrownBy(() -> ChatEndpoint.parse("openai:http://h:8000/v1"))
                .hasMessageContaining("model is missing: add ?model=NAME");
        assertThatThrownBy(() -> ChatEndpoint.parse("openai:http://h:8000/v1?model=m&retry=3"))
                .hasMessageContaining("Unknown parameter 'retry'")
                .hasMessageContaining("retries");
        assertThatThrownBy(() -> ChatEndpoint.parse("openai:http://h:8000/v1?model=m&timeout=30"))
                .hasMessageContaining("timeout='30' is not a duration")
                .hasMessageContaining("30s");
        assertThatThrownBy(
                        () -> ChatEndpoint.parse("openai:http://h:8000/v1?model=m&max-in-flight=0"))
                .hasMessageContaining("max-in-flight must be positive, got 0");
        assertThatThrownBy(() -> ChatEndpoint.parse("openai:ftp://h/v1?model=m"))
                .hasMessageContaining("must be http(s)://host");
        assertThatThrownBy(() -> ChatEndpoint.parse("openai:http://h/v1?model=m&temperature=3"))
                .hasMessageContaining("temperature must be between 0 and 2");
    }

    @Test
    void durationsReadCommonUnitsAndWantOne() {
        String base = "openai:http://h:1/v1?model=m&timeout=";
        assertThat(ChatEndpoint.parse(base + "500ms").timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(ChatEndpoint.parse(base + "2m").timeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(ChatEndpoint.parse(base + "1h").timeout()).isEqualTo(Duration.ofHours(1));
        assertThat(ChatEndpoint.parse(base + "PT1.5S").timeout())
                .isEqualTo(Duration.ofMillis(1500));
        assertThat(ChatEndpoint.parse(base + "2min").timeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(ChatEndpoint.parse(base + "30%20s").timeout()).isEqualTo(Duration.ofSeconds(30));
        for (String bad : new String[] {"30", "", "fast", "-1s", "1.5s", "PTx"}) {
            assertThatThrownBy(() -> ChatEndpoint.parse(base + bad))
                    .as(bad)
                    .hasMessageContaining("timeout='" + bad + "' is not a duration");
        }
        assertThatThrownBy(() -> ChatEndpoint.parse("openai:http://h:1/v1?model=m&retries=two"))
                .hasMessageContaining("'two'")
                .hasMessageContaining("retries");
    }

    @Test
    void keysStayOffPlainHttpAndPasswordsOutOfUrlsAndMessages() {
        String https = "openai:https://vlm.example/v1?model=m&api-key-env=KEY";
        assertThat(ChatEndpoint.parse(https).apiKeyEnv()).isEqualTo("KEY");
        assertThatThrownBy(
                        () ->
                                ChatEndpoint.parse(
                                        "openai:http://vlm.lan/v1?model=m&api-key-env=KEY"))
                .hasMessageContaining("over plain http://")
                .hasMessageContaining("allow-insecure-key=true");
        assertThat(
                        ChatEndpoint.parse(
                                        "openai:http://vlm.lan/v1?model=m&api-key-env=KEY"
                                                + "&allow-insecure-key=true")
                                .allowInsecureKey())
                .isTrue();
        assertThatThrownBy(
                        () ->
                                ChatEndpoint.parse(
                                        "openai:https://bob:hunter2@vlm.example/v1?model=m"))
                .hasMessageContaining("holds credentials")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> ChatEndpoint.parse("https://bob:hunter2@vlm.example/v1?model=m"))
                .hasMessageContaining("openai:")
                .hasMessageNotContaining("hunter2");
        assertThat(
                        ChatEndpoint.parse("openai:http://h/v1?model=m&max-answer-bytes=64kb")
                                .maxAnswerBytes())
                .isEqualTo(64 * 1024);
    }
}
