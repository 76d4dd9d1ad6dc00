package io.vlstream.instruction;

import io.vlstream.avro.Instruction;

/** Checks an instruction's fields before it is compiled; the message says how to fix it. */
public final class InstructionValidation {

    /** Most evidence frames one moment may keep (bounds keyed state). */
    public static final int MAX_EVIDENCE_FRAMES = 32;

    private InstructionValidation() {}

    /** Returns what is wrong with the instruction, or null when nothing is. */
    public static String problem(Instruction instruction, String key) {
        String id = instruction.getInstructionId();
        if (id == null || id.isBlank()) {
            return "instructionId is blank";
        }
        if (key != null && !key.equals(id)) {
            return "record key '" + key + "' differs from instructionId '" + id + "'";
        }
        if (instruction.getActive() && instruction.getText().isBlank()) {
            return "text is blank; retire an instruction with active=false or a tombstone";
        }
        int evidence = instruction.getMaxEvidenceFrames();
        if (evidence < 1 || evidence > MAX_EVIDENCE_FRAMES) {
            return "maxEvidenceFrames is " + evidence + "; it must be 1.." + MAX_EVIDENCE_FRAMES;
        }
        Float threshold = instruction.getScoreThreshold();
        if (threshold != null && !(threshold > 0 && threshold <= 1)) {
            return "scoreThreshold is " + threshold + "; it must be in (0, 1]";
        }
        Integer perMinute = instruction.getMaxFramesPerMinute();
        if (perMinute != null && perMinute < 0) {
            return "maxFramesPerMinute is " + perMinute + "; it must be >= 0 (0: no limit)";
        }
        float quantile = instruction.getAdaptiveQuantile();
        if (!(quantile > 0 && quantile < 1)) {
            return "adaptiveQuantile is " + quantile + "; it must be in (0, 1)";
        }
        return StreamSelector.checkGlob(instruction.getStreamGlob());
    }
}
