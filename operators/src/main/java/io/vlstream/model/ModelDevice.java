package io.vlstream.model;

/**
 * Where a model runs, as its spec's {@code gpu} and {@code device} parameters say: on one CUDA
 * device, on the CPU only, or (neither) wherever TensorFlow places it.
 *
 * @param gpuIndex the only CUDA device the model may see ({@code gpu=N}), or null for all that the
 *     process sees
 * @param cpuOnly the model sees no GPU ({@code device=cpu})
 */
public record ModelDevice(String gpuIndex, boolean cpuOnly) {

    /** Neither parameter: TensorFlow's own placement. */
    public static final ModelDevice ANY = new ModelDevice(null, false);

    public ModelDevice {
        if (gpuIndex != null && !isIndex(gpuIndex)) {
            throw new IllegalArgumentException(
                    "gpuIndex must be a CUDA device index (0, 1, ...), got '" + gpuIndex + "'");
        }
    }

    /**
     * The device a spec asks for.
     *
     * @throws ModelConfigurationException when {@code gpu} is not a CUDA device index or {@code
     *     device} is neither {@code auto} nor {@code cpu}
     */
    public static ModelDevice of(ModelSpec spec) {
        boolean cpuOnly = spec.choiceParam("device", "auto", "auto", "cpu").equals("cpu");
        String gpu = spec.param("gpu").orElse(null);
        if (gpu != null && !isIndex(gpu.strip())) {
            throw spec.badValue("gpu", gpu, "a CUDA device index (0, 1, ...)");
        }
        return new ModelDevice(gpu == null ? null : gpu.strip(), cpuOnly);
    }

    private static boolean isIndex(String s) {
        return s.matches("[0-9]+");
    }
}
