package io.vlstream.sizing;

import java.io.Serializable;

/**
 * A documented way of leaving parts of an output record out so it fits a sink's request size, in
 * steps that each leave out more than the one before.
 *
 * <p>Implementations are pure: step {@code k} of a record depends only on the record and {@code k},
 * and the record's {@code trimmed} field of the result says everything that step left out.
 *
 * @param <T> the record type
 */
public interface Trimming<T> extends Serializable {

    /**
     * A trimmed copy of {@code record} for {@code step} (0, 1, 2, ...), or null when there is
     * nothing more to leave out; {@code record} itself is never modified.
     *
     * @throws IllegalArgumentException if {@code step} is negative
     */
    T trim(T record, int step);
}
