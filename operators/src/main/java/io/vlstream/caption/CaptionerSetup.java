package io.vlstream.caption;

import io.vlstream.model.Captioner;
import io.vlstream.model.ModelFactory;
import io.vlstream.model.remote.ChatEndpoint;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Which {@link MomentCaptioner} the caption stage runs, and how the stage around it is sized: the
 * recipe travels to the task managers, the captioner is opened there.
 *
 * @param name what the captioner is, for logs and the operator's name
 * @param factory opens the captioner (with the task manager's GPU, if it has one)
 * @param timeout Flink's async timeout: a moment with no outcome by then gets a TIMEOUT one
 * @param capacity moments in the stage at once; a full stage backpressures selection
 * @param usesModel true when the captioner is a model in the task manager: it runs in the model
 *     slots (with a GPU when the job has them)
 */
public record CaptionerSetup(
        String name,
        ModelFactory<MomentCaptioner> factory,
        Duration timeout,
        int capacity,
        boolean usesModel)
        implements Serializable {

    /** Time a moment may wait for an in-process model, queue included. */
    public static final Duration IN_PROCESS_TIMEOUT = Duration.ofMinutes(5);

    /** Moments queued for an in-process model: each holds its evidence images. */
    public static final int IN_PROCESS_CAPACITY = 4;

    public CaptionerSetup {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(factory, "factory");
        Objects.requireNonNull(timeout, "timeout");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
    }

    /** Captions composed from the detections ({@link TemplateCaptioner}): the default. */
    public static CaptionerSetup template(float minDetectionScore) {
        return new CaptionerSetup(
                "grounded template",
                () -> new TemplateCaptioner(minDetectionScore),
                Duration.ofMinutes(1),
                8,
                false);
    }

    /**
     * Captions written by a model in the task manager ({@link InProcessCaptioner}), grounded in the
     * detector's labels.
     */
    public static CaptionerSetup inProcess(
            ModelFactory<Captioner> model, float minDetectionScore, List<String> detectorLabels) {
        List<String> labels = List.copyOf(detectorLabels);
        return new CaptionerSetup(
                "in-process model",
                new ModelFactory<>() {
                    @Override
                    public MomentCaptioner create() throws java.io.IOException {
                        return new InProcessCaptioner(model.create(), minDetectionScore, labels);
                    }

                    @Override
                    public MomentCaptioner create(String gpuIndex) throws java.io.IOException {
                        return new InProcessCaptioner(
                                model.create(gpuIndex), minDetectionScore, labels);
                    }
                },
                IN_PROCESS_TIMEOUT,
                IN_PROCESS_CAPACITY,
                true);
    }

    /**
     * Captions written by a served VLM ({@link ServedCaptioner}): capacity {@code max-in-flight}
     * (so the client never refuses a call as BUSY; the stage's full queue backpressures instead),
     * timeout just above {@code total-timeout} (so the client's own timeout, with its better
     * message, fires first).
     */
    public static CaptionerSetup served(
            ChatEndpoint endpoint, float minDetectionScore, List<String> detectorLabels) {
        List<String> labels = List.copyOf(detectorLabels);
        return new CaptionerSetup(
                "served VLM " + endpoint.model(),
                () -> ServedCaptioner.open(endpoint, minDetectionScore, labels),
                endpoint.asyncTimeout(),
                endpoint.maxInFlight(),
                false);
    }
}
