package io.vlstream.selection;

import io.vlstream.avro.internal.ScoredFrame;
import org.apache.flink.api.java.functions.KeySelector;

/** The key of moment selection: one stream and one instruction. */
public final class SelectionKey implements KeySelector<ScoredFrame, String> {

    /** ASCII unit separator: cannot appear in ids typed by people. */
    private static final char SEPARATOR = '\u001f';

    @Override
    public String getKey(ScoredFrame frame) {
        return of(frame.getStreamId(), frame.getInstructionId());
    }

    public static String of(String streamId, String instructionId) {
        return streamId + SEPARATOR + instructionId;
    }

    public static String instructionId(String key) {
        return key.substring(key.indexOf(SEPARATOR) + 1);
    }

    public static String streamId(String key) {
        return key.substring(0, key.indexOf(SEPARATOR));
    }
}
