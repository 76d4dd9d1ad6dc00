package io.vlstream.jobs;

import io.vlstream.model.GpuDevices;
import java.io.Serializable;
import org.apache.flink.api.common.operators.SlotSharingGroup;
import org.apache.flink.configuration.MemorySize;

/**
 * What one slot of a slot sharing group asks the cluster for, under Flink's fine-grained resource
 * management: CPU, task heap, task off-heap (native memory such as TensorFlow's), managed memory
 * (RocksDB) and GPUs (the external resource {@value GpuDevices#RESOURCE}).
 */
public record SlotResources(
        double cpuCores,
        MemorySize taskHeap,
        MemorySize taskOffHeap,
        MemorySize managedMemory,
        double gpus)
        implements Serializable {

    public SlotResources {
        if (!(cpuCores > 0)) {
            throw new IllegalArgumentException("cpu-cores must be positive, got " + cpuCores);
        }
        if (taskHeap.getBytes() == 0) {
            throw new IllegalArgumentException("task-heap-memory must be positive");
        }
        if (!(gpus >= 0)) {
            throw new IllegalArgumentException("gpus must be 0 or more, got " + gpus);
        }
    }

    /** The slot sharing group {@code name} with these resources. */
    public SlotSharingGroup toSlotSharingGroup(String name) {
        SlotSharingGroup.Builder group =
                SlotSharingGroup.newBuilder(name)
                        .setCpuCores(cpuCores)
                        .setTaskHeapMemory(taskHeap)
                        .setTaskOffHeapMemory(taskOffHeap)
                        .setManagedMemory(managedMemory);
        if (gpus > 0) {
            group.setExternalResource(GpuDevices.RESOURCE, gpus);
        }
        return group.build();
    }
}
