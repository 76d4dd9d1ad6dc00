package io.vlstream.kafka;

import io.vlstream.avro.Instruction;
import io.vlstream.avro.SourceRef;
import io.vlstream.avro.internal.Failure;
import io.vlstream.avro.internal.InstructionEnvelope;
import io.vlstream.deadletter.Failures;
import io.vlstream.decode.DecodeLimits;
import io.vlstream.decode.InputLimits;
import java.nio.charset.StandardCharsets;

/** Instructions topic → {@link InstructionEnvelope}; a null value is a tombstone (retirement). */
public final class InstructionEnvelopeDeserializer
        extends EnvelopeDeserializer<Instruction, InstructionEnvelope> {

    public InstructionEnvelopeDeserializer(DecodeLimits limits, InputLimits fields) {
        super(Instruction.class, InstructionEnvelope.class, limits, fields);
    }

    @Override
    boolean isTombstoneAllowed() {
        return true;
    }

    @Override
    InstructionEnvelope envelope(
            SourceRef source,
            long receivedAtMicros,
            byte[] key,
            byte[] value,
            Instruction record,
            Failure failure) {
        String textKey = key == null ? null : new String(key, StandardCharsets.UTF_8);
        if (record == null && failure == null && textKey == null) {
            failure =
                    Failures.of(
                            io.vlstream.avro.ReasonCode.INVALID_INSTRUCTION,
                            "A tombstone without a key cannot name the instruction to retire",
                            (byte[]) null,
                            null);
        }
        return new InstructionEnvelope(source, receivedAtMicros, textKey, record, failure);
    }
}
