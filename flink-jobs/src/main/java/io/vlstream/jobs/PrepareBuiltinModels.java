package io.vlstream.jobs;

import io.vlstream.model.builtin.BuiltinModels;
import java.nio.file.Path;

/**
 * Fetches and converts the built-in detector into vlstream's cache ({@code $VLSTREAM_CACHE}) ahead
 * of time, so a container image carries it and task managers need neither npm nor a network: {@code
 * java -cp <flink lib>/*:vlstream-flink-jobs-*-job.jar io.vlstream.jobs.PrepareBuiltinModels}.
 */
public final class PrepareBuiltinModels {

    private PrepareBuiltinModels() {}

    public static void main(String[] args) throws Exception {
        Path savedModel = BuiltinModels.cocoCenterNetSavedModel();
        System.out.println("Built-in detector ready: " + savedModel);
    }
}
