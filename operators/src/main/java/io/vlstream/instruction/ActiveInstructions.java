package io.vlstream.instruction;

import io.vlstream.avro.ReasonCode;
import io.vlstream.decode.Violation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The ids of the active instructions, and the limit on how many there may be: a new one past it is
 * refused, a change to an active one never is. Plain Java; {@link CompileInstructions} keeps the
 * ids in operator state.
 */
public final class ActiveInstructions {

    private final int max;
    private final Set<String> ids = new HashSet<>();

    /**
     * @param max most instructions active at once
     * @param restored the ids active when the state was saved
     */
    public ActiveInstructions(int max, Iterable<String> restored) {
        this.max = max;
        restored.forEach(ids::add);
    }

    /** Why {@code id} may not become active, or null when it may. */
    public Violation admit(String id) {
        if (ids.contains(id) || ids.size() < max) {
            return null;
        }
        return new Violation(
                ReasonCode.TOO_MANY_INSTRUCTIONS,
                ids.size()
                        + " instructions are active, the limit"
                        + " (vlstream.limits.max-active-instructions); retire one first");
    }

    public void activate(String id) {
        ids.add(id);
    }

    public void retire(String id) {
        ids.remove(id);
    }

    /** The active ids, to save in state. */
    public List<String> ids() {
        return new ArrayList<>(ids);
    }
}
