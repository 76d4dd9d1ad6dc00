package io.vlstream.caption;

import io.vlstream.avro.EvidenceFrame;
import io.vlstream.avro.GroundedCaption;
import io.vlstream.avro.internal.CaptionImage;
import io.vlstream.avro.internal.CaptionOutcome;
import io.vlstream.avro.internal.CaptionRequest;
import io.vlstream.decode.DeadLetters;
import io.vlstream.instruction.LabelLexicon;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The two ends of the served-VLM caption stage around {@link CaptionMomentsAsync}: a moment's draft
 * caption becomes a {@link CaptionRequest}; the outcome becomes the grounded caption, or a dead
 * letter with the failure's reason.
 */
public final class ServedCaptions {

    private ServedCaptions() {}

    /** Draft caption → request: evidence images most relevant first, the draft carried along. */
    public static final class ToRequest implements MapFunction<GroundedCaption, CaptionRequest> {
        @Override
        public CaptionRequest map(GroundedCaption draft) {
            List<CaptionImage> images = new ArrayList<>();
            for (EvidenceFrame frame : CaptionMomentsWithModel.captionerEvidence(draft)) {
                images.add(
                        new CaptionImage(
                                frame.getFrameSequence(),
                                frame.getPtsMicros(),
                                frame.getMediaType() == null ? "image/jpeg" : frame.getMediaType(),
                                frame.getImage()));
            }
            return CaptionRequest.newBuilder()
                    .setMomentId(draft.getMomentId())
                    .setStreamId(draft.getStreamId())
                    .setInstructionId(draft.getInstructionId())
                    .setInstructionText(draft.getInstructionText())
                    .setCaptionPrompt(null)
                    .setEvidence(images)
                    .setDraft(draft)
                    .build();
        }
    }

    /** Outcome → grounded caption, or a dead letter (CAPTION_FAILURE) with the reason. */
    public static final class FromOutcome extends ProcessFunction<CaptionOutcome, GroundedCaption> {
        private transient CaptionGrounding grounding;

        @Override
        public void open(OpenContext openContext) {
            grounding = new CaptionGrounding(LabelLexicon.coco());
        }

        @Override
        public void processElement(
                CaptionOutcome outcome, Context ctx, Collector<GroundedCaption> out) {
            GroundedCaption draft = outcome.getDraft();
            if (outcome.getFailure() != null || outcome.getCaption() == null) {
                String why =
                        outcome.getFailure() == null
                                ? "no caption in the answer"
                                : outcome.getFailure().getReason()
                                        + " after "
                                        + outcome.getFailure().getAttempts()
                                        + " attempt(s): "
                                        + outcome.getFailure().getMessage();
                ctx.output(DeadLetters.TAG, CaptionMomentsWithModel.failed(draft, why));
                return;
            }
            GroundedCaption grounded;
            try {
                grounded =
                        grounding.reground(draft, outcome.getCaption().strip(), outcome.getModel());
            } catch (RuntimeException | StackOverflowError e) {
                ctx.output(
                        DeadLetters.TAG,
                        CaptionMomentsWithModel.failed(
                                draft, "grounding the caption failed: " + e));
                return;
            }
            // Outside the guard: a failing sink must fail the job, not lose the caption.
            out.collect(grounded);
        }
    }
}
