package io.vlstream.instruction;

import io.vlstream.avro.internal.CompiledInstruction;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/** The broadcast state that holds every active instruction, by id. */
public final class InstructionState {

    public static final MapStateDescriptor<String, CompiledInstruction> DESCRIPTOR =
            new MapStateDescriptor<>(
                    "active-instructions",
                    BasicTypeInfo.STRING_TYPE_INFO,
                    TypeInformation.of(CompiledInstruction.class));

    private InstructionState() {}
}
