package io.vlstream.caption;

import io.vlstream.avro.ModelRef;
import io.vlstream.avro.internal.SelectedMoment;
import io.vlstream.model.remote.CaptionException;
import io.vlstream.scoring.FrameScorer;
import java.util.concurrent.CompletableFuture;

/**
 * The built-in captioner: an honest caption composed from the best evidence frame's detections
 * ({@link CaptionComposer}), every noun phrase grounded. Needs no model and answers at once.
 */
public final class TemplateCaptioner implements MomentCaptioner {

    private final CaptionComposer composer;

    /** Ignores detections below {@code minDetectionScore}, as scoring does. */
    public TemplateCaptioner(float minDetectionScore) {
        this.composer = new CaptionComposer(new FrameScorer(minDetectionScore));
    }

    /** The composed caption: what the model captioners take their regions from. */
    public ComposedCaption compose(SelectedMoment moment) {
        return composer.compose(moment.getQuery(), moment.getEvidence());
    }

    @Override
    public CompletableFuture<CaptionText> caption(SelectedMoment moment) {
        try {
            ComposedCaption caption = compose(moment);
            return CompletableFuture.completedFuture(
                    new CaptionText(caption.text(), caption.phrases(), composer.model()));
        } catch (RuntimeException | StackOverflowError e) {
            return CompletableFuture.failedFuture(
                    new CaptionException(
                            CaptionException.Kind.PERMANENT,
                            "composing the caption failed: " + e,
                            0,
                            e));
        }
    }

    @Override
    public ModelRef model() {
        return composer.model();
    }

    @Override
    public void close() {}
}
