package io.vlstream.model.tf;

import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.SessionFunction;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/** Plain Java arrays in and out of TensorFlow tensors; every tensor closed here. */
final class TfCalls {

    private TfCalls() {}

    /** A float tensor's values and shape. */
    record Floats(float[] values, long[] shape) {
        int rows() {
            return (int) shape[0];
        }

        /** Values per first-dimension row. */
        int rowSize() {
            return shape[0] == 0 ? 0 : values.length / (int) shape[0];
        }
    }

    static Tensor floats(float[] values, long... shape) {
        return TFloat32.tensorOf(Shape.of(shape), DataBuffers.of(values, true, false));
    }

    /** Integer ids as int32 or int64, whichever the signature declares. */
    static Tensor ints(DataType type, long[] values, long... shape) {
        if (type == DataType.DT_INT32) {
            int[] narrow = new int[values.length];
            for (int i = 0; i < values.length; i++) {
                narrow[i] = Math.toIntExact(values[i]);
            }
            return TInt32.tensorOf(Shape.of(shape), DataBuffers.of(narrow, true, false));
        }
        return TInt64.tensorOf(Shape.of(shape), DataBuffers.of(values, true, false));
    }

    /**
     * Calls {@code function} and copies the float outputs named in {@code outputs} out; closes
     * {@code inputs}.
     */
    static Map<String, Floats> call(
            SessionFunction function, Map<String, Tensor> inputs, String... outputs) {
        try (Result result = function.call(inputs)) {
            java.util.HashMap<String, Floats> out = new java.util.HashMap<>();
            for (String name : outputs) {
                Tensor t =
                        result.get(name)
                                .orElseThrow(
                                        () ->
                                                new IllegalStateException(
                                                        "signature '"
                                                                + function.signature().key()
                                                                + "' returned no '"
                                                                + name
                                                                + "'"));
                if (!(t instanceof TFloat32 f)) {
                    throw new IllegalStateException(
                            "signature '"
                                    + function.signature().key()
                                    + "' returned "
                                    + t.dataType()
                                    + " for '"
                                    + name
                                    + "', expected float32");
                }
                float[] values = new float[(int) f.shape().size()];
                f.copyTo(DataBuffers.of(values, false, false));
                out.put(name, new Floats(values, f.shape().asArray()));
            }
            return out;
        } finally {
            for (Tensor t : inputs.values()) {
                t.close();
            }
        }
    }
}
