package io.vlstream.instruction;

import io.vlstream.avro.Instruction;
import io.vlstream.avro.ReasonCode;
import io.vlstream.avro.internal.CompiledQuery;
import io.vlstream.decode.FieldChecks;
import io.vlstream.decode.InputLimits;
import io.vlstream.decode.Violation;
import java.util.List;

/**
 * Checks an instruction's fields against the {@link InputLimits} before it is compiled; the message
 * says how to fix it. Looks at each field once: the work is linear in the record's size.
 */
public final class InstructionValidation {

    /** Most evidence frames one moment may keep (bounds keyed state). */
    public static final int MAX_EVIDENCE_FRAMES = 32;

    private InstructionValidation() {}

    /** What is wrong with the instruction under the default limits, or null when nothing is. */
    public static String problem(Instruction instruction, String key) {
        Violation v = check(instruction, key, InputLimits.defaults());
        return v == null ? null : v.message();
    }

    /** What is wrong with the instruction, or null when nothing is. */
    public static Violation check(Instruction instruction, String key, InputLimits limits) {
        String id = instruction.getInstructionId();
        Violation idProblem = FieldChecks.id("instructionId", id, limits.maxIdChars());
        if (idProblem != null) {
            return idProblem;
        }
        if (key != null && !key.equals(id)) {
            return invalid(
                    "record key '"
                            + FieldChecks.preview(key)
                            + "' differs from instructionId '"
                            + FieldChecks.preview(id)
                            + "'");
        }
        Violation lengths = lengths(instruction, limits);
        if (lengths != null) {
            return lengths;
        }
        if (instruction.getActive() && instruction.getText().isBlank()) {
            return invalid("text is blank; retire an instruction with active=false or a tombstone");
        }
        int evidence = instruction.getMaxEvidenceFrames();
        if (evidence < 1 || evidence > MAX_EVIDENCE_FRAMES) {
            return invalid(
                    "maxEvidenceFrames is " + evidence + "; it must be 1.." + MAX_EVIDENCE_FRAMES);
        }
        Float threshold = instruction.getScoreThreshold();
        if (threshold != null && !(threshold > 0 && threshold <= 1)) {
            return invalid("scoreThreshold is " + threshold + "; it must be in (0, 1]");
        }
        Integer perMinute = instruction.getMaxFramesPerMinute();
        if (perMinute != null && perMinute < 0) {
            return invalid(
                    "maxFramesPerMinute is " + perMinute + "; it must be >= 0 (0: no limit)");
        }
        float quantile = instruction.getAdaptiveQuantile();
        if (!(quantile > 0 && quantile < 1)) {
            return invalid("adaptiveQuantile is " + quantile + "; it must be in (0, 1)");
        }
        return StreamSelector.checkGlob(instruction.getStreamGlob(), limits);
    }

    /** What is wrong with a compiled query (too many terms), or null when nothing is. */
    public static Violation checkCompiled(CompiledQuery query, InputLimits limits) {
        int terms = query.getTerms().size() + query.getRelations().size();
        if (terms > limits.maxTerms()) {
            return new Violation(
                    ReasonCode.FIELD_TOO_LONG,
                    "the text compiles to "
                            + terms
                            + " terms and relations; the limit is "
                            + limits.maxTerms()
                            + " (vlstream.limits.max-terms)");
        }
        return null;
    }

    private static Violation lengths(Instruction instruction, InputLimits limits) {
        Violation text = FieldChecks.length("text", instruction.getText(), limits.maxTextChars());
        if (text != null) {
            return text;
        }
        Violation prompt =
                FieldChecks.length(
                        "captionPrompt", instruction.getCaptionPrompt(), limits.maxTextChars());
        if (prompt != null) {
            return prompt;
        }
        List<String> streams = instruction.getStreamIds();
        Violation count = FieldChecks.count("streamIds", streams.size(), limits.maxStreamIds());
        if (count != null) {
            return count;
        }
        for (String stream : streams) {
            Violation streamId = FieldChecks.id("streamIds entry", stream, limits.maxIdChars());
            if (streamId != null) {
                return streamId;
            }
        }
        return null;
    }

    private static Violation invalid(String message) {
        return new Violation(ReasonCode.INVALID_INSTRUCTION, message);
    }
}
