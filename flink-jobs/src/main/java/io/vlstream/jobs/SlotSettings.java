package io.vlstream.jobs;

import static io.vlstream.jobs.Settings.valid;

import java.io.Serializable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;

/**
 * What the slots ask for when the model operators run in slots of their own ({@code
 * vlstream.model.gpu}).
 *
 * @param model the model operators' slots (a GPU included)
 * @param pipeline every other operator's slots
 */
public record SlotSettings(SlotResources model, SlotResources pipeline) implements Serializable {

    /** Reads and checks {@link SlotOptions}. */
    public static SlotSettings from(Configuration conf) {
        return new SlotSettings(
                valid(
                        "vlstream.model.slot.*",
                        () ->
                                new SlotResources(
                                        conf.get(SlotOptions.MODEL_SLOT_CPU_CORES),
                                        conf.get(SlotOptions.MODEL_SLOT_TASK_HEAP),
                                        conf.get(SlotOptions.MODEL_SLOT_TASK_OFF_HEAP),
                                        MemorySize.ZERO,
                                        conf.get(SlotOptions.MODEL_SLOT_GPUS))),
                valid(
                        "vlstream.pipeline.slot.*",
                        () ->
                                new SlotResources(
                                        conf.get(SlotOptions.PIPELINE_SLOT_CPU_CORES),
                                        conf.get(SlotOptions.PIPELINE_SLOT_TASK_HEAP),
                                        conf.get(SlotOptions.PIPELINE_SLOT_TASK_OFF_HEAP),
                                        conf.get(SlotOptions.PIPELINE_SLOT_MANAGED),
                                        0)));
    }
}
