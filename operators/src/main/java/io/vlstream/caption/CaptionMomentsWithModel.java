package io.vlstream.caption;

import io.vlstream.avro.EvidenceFrame;
import io.vlstream.avro.GroundedCaption;
import io.vlstream.avro.ReasonCode;
import io.vlstream.decode.DeadLetters;
import io.vlstream.instruction.LabelLexicon;
import io.vlstream.model.CaptionRequest;
import io.vlstream.model.Captioner;
import io.vlstream.model.GpuDevices;
import io.vlstream.model.ModelFactory;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Captions each moment with an in-process model (a SavedModel captioner): the evidence frames, most
 * relevant first, and the instruction (or its caption prompt) go in; the caption comes out grounded
 * in the moment's regions. A moment the model fails on goes to the DLQ with {@code
 * CAPTION_FAILURE}; the job keeps running.
 */
public class CaptionMomentsWithModel extends ProcessFunction<GroundedCaption, GroundedCaption> {

    static final String STAGE = "caption-model";

    private final ModelFactory<Captioner> factory;
    private transient Captioner captioner;
    private transient CaptionGrounding grounding;

    public CaptionMomentsWithModel(ModelFactory<Captioner> factory) {
        this.factory = factory;
    }

    @Override
    public void open(OpenContext openContext) throws IOException {
        captioner =
                GpuDevices.open(
                        factory,
                        getRuntimeContext().getExternalResourceInfos(GpuDevices.RESOURCE),
                        "the captioner");
        grounding = new CaptionGrounding(LabelLexicon.coco());
    }

    @Override
    public void processElement(GroundedCaption draft, Context ctx, Collector<GroundedCaption> out) {
        GroundedCaption grounded;
        try {
            List<BufferedImage> images = evidenceImages(draft);
            if (images.isEmpty()) {
                throw new IOException("the moment kept no evidence image to caption");
            }
            String text =
                    captioner.caption(new CaptionRequest(draft.getInstructionText(), null, images));
            if (text == null || text.isBlank()) {
                throw new IOException("the captioner returned an empty caption");
            }
            grounded = grounding.reground(draft, text.strip(), captioner.model());
        } catch (IOException | RuntimeException | StackOverflowError e) {
            ctx.output(DeadLetters.TAG, failed(draft, captioner.model().getId() + ": " + e));
            return;
        }
        // Outside the guard: a failing sink must fail the job, not lose the caption.
        out.collect(grounded);
    }

    /**
     * The moment's evidence frames that carry an image, most relevant first: what a captioner sees.
     */
    static List<EvidenceFrame> captionerEvidence(GroundedCaption draft) {
        List<EvidenceFrame> frames = new ArrayList<>();
        for (EvidenceFrame frame : draft.getEvidence()) {
            if (frame.getImage() != null) {
                frames.add(frame);
            }
        }
        frames.sort(Comparator.comparingDouble(EvidenceFrame::getRelevance).reversed());
        return frames;
    }

    /** The moment's evidence images, most relevant first. */
    static List<BufferedImage> evidenceImages(GroundedCaption draft) throws IOException {
        List<BufferedImage> images = new ArrayList<>();
        for (EvidenceFrame frame : captionerEvidence(draft)) {
            ByteBuffer bytes = frame.getImage().duplicate();
            byte[] data = new byte[bytes.remaining()];
            bytes.get(data);
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(data));
            if (image != null) {
                images.add(image);
            }
        }
        return images;
    }

    /**
     * A dead letter for a moment that got no caption. A moment has no Kafka position of its own:
     * the source fields say "moment" and the message names it.
     */
    public static io.vlstream.avro.DeadLetter failed(GroundedCaption draft, String why) {
        io.vlstream.avro.SourceRef moment = new io.vlstream.avro.SourceRef("moment", -1, -1L);
        return DeadLetters.of(
                moment,
                ReasonCode.CAPTION_FAILURE,
                "Moment " + draft.getMomentId() + " got no caption: " + why,
                STAGE,
                draft.getStreamId(),
                ByteBuffer.wrap(
                        draft.getCaption().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Override
    public void close() {
        if (captioner != null) {
            captioner.close();
        }
    }
}
