package io.vlstream.model.tf;

import com.google.protobuf.ByteString;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes a TF.js {@code weightsManifest}: the shard files concatenated in manifest order, each
 * weight read in turn, quantized weights expanded back to their original type.
 */
final class TfjsWeights {

    /** One decoded weight; exactly one of the value arrays is set. */
    record Weight(
            String name,
            long[] shape,
            float[] floats,
            int[] ints,
            byte[] bools,
            List<ByteString> strings) {}

    private TfjsWeights() {}

    /** Reads every weight of the manifest, keyed by name, in manifest order. */
    static Map<String, Weight> read(ListValue manifest, Path modelDir) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        List<Struct> specs = new ArrayList<>();
        for (Value group : manifest.getValuesList()) {
            Struct g = group.getStructValue();
            for (Value path :
                    field(g, "paths", "weightsManifest group").getListValue().getValuesList()) {
                Path shard = modelDir.resolve(path.getStringValue()).normalize();
                if (!shard.startsWith(modelDir.normalize())) {
                    throw new ModelImportException(
                            "Weight shard " + path.getStringValue() + " lies outside " + modelDir);
                }
                all.write(Files.readAllBytes(shard));
            }
            for (Value spec :
                    field(g, "weights", "weightsManifest group").getListValue().getValuesList()) {
                specs.add(spec.getStructValue());
            }
        }
        ByteBuffer bytes = ByteBuffer.wrap(all.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
        Map<String, Weight> weights = new LinkedHashMap<>();
        for (Struct spec : specs) {
            Weight weight = decode(spec, bytes);
            weights.put(weight.name(), weight);
        }
        if (bytes.hasRemaining()) {
            throw new ModelImportException(
                    "Weight shards hold "
                            + bytes.remaining()
                            + " bytes more than the weightsManifest describes");
        }
        return weights;
    }

    private static Weight decode(Struct spec, ByteBuffer bytes) throws ModelImportException {
        String name = field(spec, "name", "weight").getStringValue();
        String dtype = field(spec, "dtype", "weight " + name).getStringValue();
        List<Value> dims = field(spec, "shape", "weight " + name).getListValue().getValuesList();
        long[] shape = new long[dims.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = (long) dims.get(i).getNumberValue();
            count *= shape[i];
        }
        if (count > Integer.MAX_VALUE) {
            throw new ModelImportException("Weight " + name + " is too large: " + count);
        }
        int n = (int) count;
        try {
            Value quantization = spec.getFieldsMap().get("quantization");
            if (quantization != null) {
                return dequantize(name, shape, dtype, n, quantization.getStructValue(), bytes);
            }
            switch (dtype) {
                case "float32":
                    float[] floats = new float[n];
                    bytes.asFloatBuffer().get(floats);
                    bytes.position(bytes.position() + 4 * n);
                    return new Weight(name, shape, floats, null, null, null);
                case "int32":
                    int[] ints = new int[n];
                    bytes.asIntBuffer().get(ints);
                    bytes.position(bytes.position() + 4 * n);
                    return new Weight(name, shape, null, ints, null, null);
                case "bool":
                    byte[] bools = new byte[n];
                    bytes.get(bools);
                    return new Weight(name, shape, null, null, bools, null);
                case "string":
                    List<ByteString> strings = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        byte[] s = new byte[bytes.getInt()];
                        bytes.get(s);
                        strings.add(ByteString.copyFrom(s));
                    }
                    return new Weight(name, shape, null, null, null, strings);
                default:
                    throw new ModelImportException(
                            "Weight " + name + " has unsupported dtype " + dtype);
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw new ModelImportException(
                    "Weight shards end before weight " + name + " (" + dtype + ", " + n + ")");
        }
    }

    private static Weight dequantize(
            String name, long[] shape, String dtype, int n, Struct q, ByteBuffer bytes)
            throws ModelImportException {
        String qtype = field(q, "dtype", "quantization of " + name).getStringValue();
        float[] values = new float[n];
        switch (qtype) {
            case "float16":
                for (int i = 0; i < n; i++) {
                    values[i] = halfToFloat(bytes.getShort());
                }
                break;
            case "uint8":
            case "uint16":
                float scale = (float) field(q, "scale", "quantization of " + name).getNumberValue();
                float min = (float) field(q, "min", "quantization of " + name).getNumberValue();
                for (int i = 0; i < n; i++) {
                    int v =
                            qtype.equals("uint8")
                                    ? Byte.toUnsignedInt(bytes.get())
                                    : Short.toUnsignedInt(bytes.getShort());
                    values[i] = v * scale + min;
                }
                break;
            default:
                throw new ModelImportException(
                        "Weight " + name + " uses unsupported quantization " + qtype);
        }
        switch (dtype) {
            case "float32":
                return new Weight(name, shape, values, null, null, null);
            case "int32":
                int[] ints = new int[n];
                for (int i = 0; i < n; i++) {
                    ints[i] = Math.round(values[i]);
                }
                return new Weight(name, shape, null, ints, null, null);
            default:
                throw new ModelImportException(
                        "Weight " + name + " is a quantized " + dtype + ", which is not supported");
        }
    }

    /** IEEE 754 binary16 to binary32, subnormals, infinities and NaN included. */
    static float halfToFloat(short half) {
        int h = half & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            if (mantissa == 0) {
                return Float.intBitsToFloat(sign);
            }
            float value = mantissa / 1024f / 16384f; // 2^-14 * m/1024
            return sign == 0 ? value : -value;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    static Value field(Struct struct, String name, String what) throws ModelImportException {
        Value value = struct.getFieldsMap().get(name);
        if (value == null) {
            throw new ModelImportException(what + " has no '" + name + "'");
        }
        return value;
    }
}
