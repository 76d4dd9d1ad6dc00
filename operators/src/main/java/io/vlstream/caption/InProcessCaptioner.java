package io.vlstream.caption;

import io.vlstream.avro.ModelRef;
import io.vlstream.avro.internal.SelectedMoment;
import io.vlstream.instruction.LabelLexicon;
import io.vlstream.model.CaptionRequest;
import io.vlstream.model.Captioner;
import io.vlstream.model.remote.CaptionException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.util.concurrent.ExecutorThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model in the task manager (a SavedModel captioner) writes the caption: the evidence images,
 * most relevant first, and the instruction with its caption prompt go in; the text comes out
 * grounded in the regions the grounded template names. The model runs on a thread of its own, one
 * moment at a time, so the task thread keeps moving records and checkpoint barriers meanwhile.
 */
public final class InProcessCaptioner implements MomentCaptioner {

    private static final Logger LOG = LoggerFactory.getLogger(InProcessCaptioner.class);

    /** How long close() waits for a model call under way. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

    private final Captioner model;
    private final TemplateCaptioner template;
    private final CaptionGrounding grounding;
    private final ExecutorService thread =
            Executors.newSingleThreadExecutor(new ExecutorThreadFactory("vlstream-captioner"));

    /**
     * @param detectorLabels the labels of the job's detector: what the caption's words are grounded
     *     in
     */
    public InProcessCaptioner(
            Captioner model, float minDetectionScore, List<String> detectorLabels) {
        this.model = model;
        this.template = new TemplateCaptioner(minDetectionScore);
        this.grounding = new CaptionGrounding(LabelLexicon.of(detectorLabels));
    }

    @Override
    public CompletableFuture<CaptionText> caption(SelectedMoment moment) {
        CompletableFuture<CaptionText> result = new CompletableFuture<>();
        try {
            thread.execute(
                    () -> {
                        try {
                            result.complete(captionNow(moment));
                        } catch (IOException | RuntimeException | StackOverflowError e) {
                            result.completeExceptionally(
                                    new CaptionException(
                                            CaptionException.Kind.PERMANENT,
                                            model.model().getId() + ": " + e,
                                            0,
                                            e));
                        }
                    });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(
                    new CaptionException(
                            CaptionException.Kind.PERMANENT, "the captioner is closed", 0, e));
        }
        return result;
    }

    private CaptionText captionNow(SelectedMoment moment) throws IOException {
        List<BufferedImage> images = CaptionEvidence.decoded(moment);
        if (images.isEmpty()) {
            throw new IOException("the moment kept no evidence image to caption");
        }
        String text =
                model.caption(
                        new CaptionRequest(
                                moment.getInstructionText(), moment.getCaptionPrompt(), images));
        if (text == null || text.isBlank()) {
            throw new IOException("the captioner returned an empty caption");
        }
        String caption = text.strip();
        return new CaptionText(
                caption,
                grounding.ground(caption, template.compose(moment).phrases()),
                model.model());
    }

    @Override
    public ModelRef model() {
        return model.model();
    }

    /**
     * Stops taking moments, lets a model call under way finish, then closes the model. A call still
     * running after 30 s keeps its model open (a native call must not lose its session): it is
     * leaked rather than crashed, and the log says so.
     */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn(
                        "{} still busy {} after close; its model is left open",
                        model.model().getId(),
                        CLOSE_WAIT);
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        model.close();
    }
}
