package io.vlstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parsing model specs: the three schemes, parameters, and the errors a typo gets. */
class ModelSpecTest {

    @Test
    void parsesEachScheme() {
        ModelSpec builtin = ModelSpec.parse("builtin:coco-centernet");
        assertThat(builtin.scheme()).isEqualTo(ModelSpec.Scheme.BUILTIN);
        assertThat(builtin.location()).isEqualTo("coco-centernet");
        assertThat(builtin.params()).isEmpty();

        ModelSpec saved =
                ModelSpec.parse(
                        "savedmodel:/models/clip?image-signature=img&text-signature=txt&mean=0.5,0.5,0.5");
        assertThat(saved.scheme()).isEqualTo(ModelSpec.Scheme.SAVEDMODEL);
        assertThat(saved.location()).isEqualTo("/models/clip");
        assertThat(saved.params())
                .containsExactly(
                        Map.entry("image-signature", "img"),
                        Map.entry("text-signature", "txt"),
                        Map.entry("mean", "0.5,0.5,0.5"));
        assertThat(saved.floatsParam("mean", 3))
                .hasValueSatisfying(m -> assertThat(m).containsExactly(0.5f, 0.5f, 0.5f));

        ModelSpec served = ModelSpec.parse(" OpenAI:http://host:8000/v1?model=Qwen2-VL-7B ");
        assertThat(served.scheme()).isEqualTo(ModelSpec.Scheme.OPENAI);
        assertThat(served.location()).isEqualTo("http://host:8000/v1");
        assertThat(served.param("model")).hasValue("Qwen2-VL-7B");
        assertThat(served.toString()).isEqualTo("OpenAI:http://host:8000/v1?model=Qwen2-VL-7B");
    }

    @Test
    void valuesArePercentDecodedAndPlusIsKept() {
        ModelSpec s = ModelSpec.parse("savedmodel:/m%20x?stop-tokens=%3C%2Fs%3E,[SEP]&tag=a+b");
        assertThat(s.location()).isEqualTo("/m x");
        assertThat(s.param("stop-tokens")).hasValue("</s>,[SEP]");
        assertThat(s.param("tag")).hasValue("a+b");
    }

    @Test
    void typedParametersSayWhatWasExpected() {
        ModelSpec s = ModelSpec.parse("savedmodel:/m?beams=x&scale=1e400&mean=1,2");
        assertThatThrownBy(() -> s.intParam("beams", 1))
                .hasMessageContaining("parameter 'beams' is 'x', expected an integer");
        assertThatThrownBy(() -> s.floatParam("scale"))
                .hasMessageContaining("expected a finite number");
        assertThatThrownBy(() -> s.floatsParam("mean", 3))
                .hasMessageContaining("expected 3 comma-separated numbers");
        assertThat(s.intParam("absent", 7)).isEqualTo(7);
    }

    @Test
    void malformedSpecs() {
        assertThatThrownBy(() -> ModelSpec.parse("savedmodel:"))
                .isInstanceOf(ModelConfigurationException.class)
                .hasMessageContaining("has no location")
                .hasMessageContaining("expected savedmodel:/path/to/saved_model_dir");
        assertThatThrownBy(() -> ModelSpec.parse("savedmodel:/m?beams"))
                .hasMessageContaining("parameter 'beams' without a value");
        assertThatThrownBy(() -> ModelSpec.parse("savedmodel:/m?a=1&a=2"))
                .hasMessageContaining("sets parameter 'a' twice");
        assertThatThrownBy(() -> ModelSpec.parse("torch:/m"))
                .hasMessageContaining("unknown scheme 'torch'");
    }
}
