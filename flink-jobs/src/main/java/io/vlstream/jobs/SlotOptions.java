package io.vlstream.jobs;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;

/**
 * The resources the model and pipeline slots ask for with {@code vlstream.model.gpu} ({@code
 * vlstream.model.slot.*}, {@code vlstream.pipeline.slot.*}); read into {@link SlotSettings}.
 */
public final class SlotOptions {

    public static final ConfigOption<Double> MODEL_SLOT_GPUS =
            ConfigOptions.key("vlstream.model.slot.gpus")
                    .doubleType()
                    .defaultValue(1.0)
                    .withDescription(
                            "GPUs (Flink external resource 'gpu') one model slot asks for when"
                                    + " vlstream.model.gpu is on; 0 asks for none.");

    public static final ConfigOption<Double> MODEL_SLOT_CPU_CORES =
            ConfigOptions.key("vlstream.model.slot.cpu-cores")
                    .doubleType()
                    .defaultValue(1.0)
                    .withDescription("CPU cores one model slot asks for (vlstream.model.gpu).");

    public static final ConfigOption<MemorySize> MODEL_SLOT_TASK_HEAP =
            ConfigOptions.key("vlstream.model.slot.task-heap-memory")
                    .memoryType()
                    .defaultValue(MemorySize.parse("512m"))
                    .withDescription("Task heap one model slot asks for (vlstream.model.gpu).");

    public static final ConfigOption<MemorySize> MODEL_SLOT_TASK_OFF_HEAP =
            ConfigOptions.key("vlstream.model.slot.task-off-heap-memory")
                    .memoryType()
                    .defaultValue(MemorySize.parse("1g"))
                    .withDescription(
                            "Task off-heap memory one model slot asks for (vlstream.model.gpu):"
                                    + " TensorFlow's native memory; the task managers'"
                                    + " taskmanager.memory.task.off-heap.size must hold it.");

    public static final ConfigOption<Double> PIPELINE_SLOT_CPU_CORES =
            ConfigOptions.key("vlstream.pipeline.slot.cpu-cores")
                    .doubleType()
                    .defaultValue(0.5)
                    .withDescription(
                            "CPU cores one slot of the other operators asks for"
                                    + " (vlstream.model.gpu).");

    public static final ConfigOption<MemorySize> PIPELINE_SLOT_TASK_HEAP =
            ConfigOptions.key("vlstream.pipeline.slot.task-heap-memory")
                    .memoryType()
                    .defaultValue(MemorySize.parse("512m"))
                    .withDescription(
                            "Task heap one slot of the other operators asks for"
                                    + " (vlstream.model.gpu).");

    public static final ConfigOption<MemorySize> PIPELINE_SLOT_TASK_OFF_HEAP =
            ConfigOptions.key("vlstream.pipeline.slot.task-off-heap-memory")
                    .memoryType()
                    .defaultValue(MemorySize.parse("256m"))
                    .withDescription(
                            "Task off-heap memory one slot of the other operators asks for"
                                    + " (vlstream.model.gpu): the dual encoder's text tower where"
                                    + " instructions are compiled.");

    public static final ConfigOption<MemorySize> PIPELINE_SLOT_MANAGED =
            ConfigOptions.key("vlstream.pipeline.slot.managed-memory")
                    .memoryType()
                    .defaultValue(MemorySize.parse("256m"))
                    .withDescription(
                            "Managed memory one slot of the other operators asks for"
                                    + " (vlstream.model.gpu): RocksDB's state of moments and texts.");

    private SlotOptions() {}
}
