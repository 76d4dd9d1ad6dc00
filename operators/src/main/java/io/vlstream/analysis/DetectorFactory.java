package io.vlstream.analysis;

import java.io.IOException;
import java.io.Serializable;

/**
 * Creates a task's {@link ObjectDetector} where it runs (in {@code open()}), not where the job is
 * built.
 */
@FunctionalInterface
public interface DetectorFactory extends Serializable {
    ObjectDetector create() throws IOException;
}
