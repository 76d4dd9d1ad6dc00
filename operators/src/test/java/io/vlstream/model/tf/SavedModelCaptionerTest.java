package io.vlstream.model.tf;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.model.CaptionRequest;
import io.vlstream.model.Captioner;
import io.vlstream.model.engines.Models;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SavedModel captioner on a real encoder/decoder SavedModel built here (see {@link
 * TestSavedModels#captioner}): its decoder says the colour of the image and has a greedy trap.
 */
class SavedModelCaptionerTest {

    @TempDir static Path dir;
    static String base;

    static final BufferedImage RED = TestSavedModels.solid(Color.RED, 64, 48);
    static final BufferedImage BLUE = TestSavedModels.solid(Color.BLUE, 64, 48);

    @BeforeAll
    static void build() throws IOException {
        base =
                "savedmodel:"
                        + TestSavedModels.captioner(dir.resolve("captioner"))
                        + "?bos-token=[BOS]&stop-tokens=[EOS]";
    }

    private static String caption(String spec, String instruction, BufferedImage... images) {
        try (Captioner c = Models.captioner(spec)) {
            return c.caption(CaptionRequest.of(instruction, List.of(images)));
        }
    }

    /** A CPU-only TensorFlow sees no CUDA device 0 and runs the model on the CPU. */
    @Test
    void theFactoryOpensTheCaptionerOnTheGpuItIsGiven() throws IOException {
        try (Captioner c = Models.captionerFactory(base + "&prompt=none").create("0")) {
            assertThat(c.caption(CaptionRequest.of("ignored", List.of(RED))))
                    .isEqualTo("photo of a red square");
        }
    }

    @Test
    void greedyTakesTheLocallyBestTokenEachStep() {
        assertThat(caption(base + "&prompt=none", "ignored", RED))
                .isEqualTo("photo of a red square");
        assertThat(caption(base + "&prompt=none", "ignored", BLUE))
                .isEqualTo("photo of a blue square");
    }

    @Test
    void beamSearchFindsTheMoreProbableCaption() {
        assertThat(caption(base + "&prompt=none&decode=beam&beams=3", "ignored", RED))
                .isEqualTo("a red square");
        assertThat(caption(base + "&prompt=none&decode=beam&beams=3", "ignored", BLUE))
                .isEqualTo("a blue square");
    }

    @Test
    void lengthPenaltyCanTipBeamSearchToTheLongerCaption() {
        // "a red square" scores ln(0.45)/4; "photo of a red square" ln(0.074)/6 at penalty 1.
        // A strong preference for length (penalty 3) turns that round.
        assertThat(
                        caption(
                                base + "&prompt=none&decode=beam&beams=3&length-penalty=3",
                                "ignored",
                                RED))
                .isEqualTo("photo of a red square");
    }

    @Test
    void theInstructionIsThePromptPrefixAndTheCaptionPromptReplacesIt() {
        // [BOS] a photo of → a red square; the prompt is not repeated in the caption.
        assertThat(caption(base, "a photo of", RED)).isEqualTo("a red square");
        assertThat(caption(base, "A", BLUE)).isEqualTo("blue square");
        try (Captioner c = Models.captioner(base)) {
            assertThat(c.caption(new CaptionRequest("a photo of", "a", List.of(RED))))
                    .isEqualTo("red square");
        }
    }

    @Test
    void stopsAtAnyStopTokenAndAtMaxLength() {
        String noPrompt = "savedmodel:" + dir.resolve("captioner") + "?bos-token=[BOS]&prompt=none";
        assertThat(caption(noPrompt + "&stop-tokens=[EOS],square", "x", RED))
                .isEqualTo("photo of a red");
        assertThat(caption(noPrompt + "&stop-tokens=[EOS]&max-new-tokens=2", "x", RED))
                .isEqualTo("photo of");
        assertThat(caption(noPrompt + "&stop-tokens=[EOS]&max-new-tokens=2&decode=beam", "x", RED))
                .isEqualTo("a red");
    }

    @Test
    void captionsTheBestEvidenceOrTheMeanOfAll() {
        assertThat(caption(base + "&prompt=none&decode=beam", "x", BLUE, RED, RED))
                .isEqualTo("a blue square");
        assertThat(caption(base + "&prompt=none&decode=beam&evidence=mean", "x", BLUE, RED, RED))
                .isEqualTo("a red square");
    }

    @Test
    void namesItsModel() {
        try (Captioner c = Models.captioner(base + "&id=blip-test&version=2")) {
            assertThat(c.model().getRole()).isEqualTo("captioner");
            assertThat(c.model().getId()).isEqualTo("blip-test");
            assertThat(c.model().getVersion()).isEqualTo("2");
        }
    }
}
