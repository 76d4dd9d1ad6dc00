package io.vlstream.cli;

import io.vlstream.avro.Instruction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The instructions in force, folded from the compacted instructions topic as the job folds it: the
 * latest record per key wins, and a tombstone or {@code active=false} retires the key.
 */
final class ActiveInstructions {

    private final Map<String, Instruction> byId = new TreeMap<>();

    /** Applies one record of the topic, in offset order; {@code value} null is a tombstone. */
    void apply(String key, Instruction value) {
        if (value == null || !value.getActive()) {
            byId.remove(key);
        } else {
            byId.put(key, value);
        }
    }

    /** The active instructions, by id. */
    List<Instruction> active() {
        return new ArrayList<>(byId.values());
    }
}
