package io.vlstream.instruction;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.avro.DeadLetter;
import io.vlstream.avro.Instruction;
import io.vlstream.avro.ReasonCode;
import io.vlstream.avro.SourceRef;
import io.vlstream.avro.internal.CompiledInstruction;
import io.vlstream.avro.internal.InstructionEnvelope;
import io.vlstream.deadletter.DeadLetters;
import io.vlstream.decode.InputLimits;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * Instructions past a limit are dead-lettered with their reason; the active limit survives a
 * restore.
 */
class CompileInstructionsLimitsTest {

    private long offset;

    @Test
    void aNewInstructionPastTheActiveLimitIsRefusedUntilOneRetires() throws Exception {
        OneInputStreamOperatorTestHarness<InstructionEnvelope, CompiledInstruction> harness =
                harness();
        harness.processElement(envelope(instruction("a", "a person")), 0);
        harness.processElement(envelope(instruction("b", "a car")), 0);
        harness.processElement(envelope(instruction("c", "a dog")), 0);
        // Changing an active one is allowed at the limit.
        harness.processElement(envelope(instruction("a", "two people")), 0);
        assertThat(reasons(harness)).containsExactly(ReasonCode.TOO_MANY_INSTRUCTIONS);

        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();
        OneInputStreamOperatorTestHarness<InstructionEnvelope, CompiledInstruction> restored =
                new OneInputStreamOperatorTestHarness<>(
                        new ProcessOperator<>(new CompileInstructions(0.4f, 0, null, limits())));
        restored.initializeState(snapshot);
        restored.open();
        restored.processElement(envelope(instruction("d", "a cat")), 0);
        assertThat(reasons(restored)).containsExactly(ReasonCode.TOO_MANY_INSTRUCTIONS);
        restored.processElement(tombstone("b"), 0);
        restored.processElement(envelope(instruction("d", "a cat")), 0);
        assertThat(restored.extractOutputValues())
                .extracting(c -> c.getInstructionId() + ":" + c.getActive())
                .containsExactly("b:false", "d:true");
        restored.close();
    }

    @Test
    void eachLimitHasItsOwnReason() throws Exception {
        OneInputStreamOperatorTestHarness<InstructionEnvelope, CompiledInstruction> harness =
                harness();
        harness.processElement(envelope(instruction("long", "a person ".repeat(1000))), 0);
        harness.processElement(envelope(instruction("nu\u0000l", "a person")), 0);
        Instruction complex = instruction("glob", "a person");
        complex.setStreamGlob("*a".repeat(14) + "*b");
        harness.processElement(envelope(complex), 0);
        harness.processElement(
                envelope(
                        instruction(
                                "terms",
                                "a person and a car and a dog and a cat and a bus and a truck")),
                0);
        assertThat(reasons(harness))
                .containsExactly(
                        ReasonCode.FIELD_TOO_LONG,
                        ReasonCode.INVALID_ID,
                        ReasonCode.GLOB_TOO_COMPLEX,
                        ReasonCode.FIELD_TOO_LONG);
        assertThat(harness.extractOutputValues()).isEmpty();
        harness.close();
    }

    private static InputLimits limits() {
        // 2 active instructions, 5 terms, 100-character texts.
        InputLimits d = InputLimits.defaults();
        return new InputLimits(
                d.maxIdChars(),
                d.maxKeyBytes(),
                100,
                d.maxGlobChars(),
                d.maxGlobWildcards(),
                d.maxMediaTypeChars(),
                d.maxMetadataEntries(),
                d.maxMetadataBytes(),
                d.maxStreamIds(),
                5,
                2,
                d.maxPtsAhead(),
                d.maxPtsBehind(),
                d.maxTextSpan());
    }

    private static OneInputStreamOperatorTestHarness<InstructionEnvelope, CompiledInstruction>
            harness() throws Exception {
        return ProcessFunctionTestHarnesses.forProcessFunction(
                new CompileInstructions(0.4f, 0, null, limits()));
    }

    private static List<ReasonCode> reasons(
            OneInputStreamOperatorTestHarness<InstructionEnvelope, CompiledInstruction> harness) {
        return harness.getSideOutput(DeadLetters.TAG).stream()
                .map(r -> ((DeadLetter) r.getValue()).getReason())
                .collect(Collectors.toList());
    }

    private static Instruction instruction(String id, String text) {
        return Instruction.newBuilder().setInstructionId(id).setText(text).build();
    }

    private InstructionEnvelope envelope(Instruction instruction) {
        return new InstructionEnvelope(
                new SourceRef("instructions", 0, offset++),
                0L,
                instruction.getInstructionId(),
                instruction,
                null);
    }

    private InstructionEnvelope tombstone(String id) {
        return new InstructionEnvelope(
                new SourceRef("instructions", 0, offset++), 0L, id, null, null);
    }
}
