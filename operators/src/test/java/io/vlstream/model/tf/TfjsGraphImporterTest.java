package io.vlstream.model.tf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.types.TFloat32;

/**
 * The importer on a small hand-written TF.js graph model that uses what real ones do: float16
 * weights, weights split over two shards, {@code _FusedConv2D} and {@code
 * FusedDepthwiseConv2dNative}, an int64 constant stored as int32, device pins.
 */
class TfjsGraphImporterTest {

    @TempDir Path dir;

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static String fusedAttrs(String... fusedOps) {
        StringBuilder ops = new StringBuilder();
        for (String op : fusedOps) {
            ops.append(ops.length() == 0 ? "" : ",").append('"').append(b64(op)).append('"');
        }
        return "\"T\":{\"type\":\"DT_FLOAT\"},\"strides\":{\"list\":{\"i\":[\"1\",\"1\",\"1\",\"1\"]}},"
                + "\"padding\":{\"s\":\""
                + b64("VALID")
                + "\"},\"data_format\":{\"s\":\""
                + b64("NHWC")
                + "\"},\"dilations\":{\"list\":{\"i\":[\"1\",\"1\",\"1\",\"1\"]}},"
                + "\"explicit_paddings\":{\"list\":{}},\"num_args\":{\"i\":\"1\"},"
                + "\"fused_ops\":{\"list\":{\"s\":["
                + ops
                + "]}}";
    }

    private static String constNode(String name, String dtype) {
        return "{\"name\":\""
                + name
                + "\",\"op\":\"Const\",\"attr\":{\"dtype\":{\"type\":\""
                + dtype
                + "\"},\"value\":{\"tensor\":{\"dtype\":\""
                + dtype
                + "\",\"tensorShape\":{}}}}}";
    }

    /** Writes the model; {@code convOps} are the fused ops of its conv node. */
    private Path writeModel(String... convOps) throws IOException {
        String nodes =
                String.join(
                        ",",
                        "{\"name\":\"x\",\"op\":\"Placeholder\",\"attr\":{\"dtype\":{\"type\":\"DT_FLOAT\"},"
                                + "\"shape\":{\"shape\":{\"dim\":[{\"size\":\"1\"},{\"size\":\"2\"},"
                                + "{\"size\":\"2\"},{\"size\":\"1\"}]}}}}",
                        constNode("w", "DT_FLOAT"),
                        constNode("b", "DT_FLOAT"),
                        constNode("dw", "DT_FLOAT"),
                        constNode("db", "DT_FLOAT"),
                        constNode("shape", "DT_INT64"),
                        "{\"name\":\"conv\",\"op\":\"_FusedConv2D\",\"input\":[\"x\",\"w\",\"b\"],"
                                + "\"device\":\"/device:CPU:0\",\"attr\":{"
                                + fusedAttrs(convOps)
                                + ",\"use_cudnn_on_gpu\":{\"b\":true},\"epsilon\":{\"f\":0}}}",
                        "{\"name\":\"dconv\",\"op\":\"FusedDepthwiseConv2dNative\","
                                + "\"input\":[\"conv\",\"dw\",\"db\"],\"attr\":{"
                                + fusedAttrs("BiasAdd")
                                + "}}",
                        "{\"name\":\"out\",\"op\":\"Reshape\",\"input\":[\"dconv\",\"shape\"],"
                                + "\"attr\":{\"T\":{\"type\":\"DT_FLOAT\"},\"Tshape\":{\"type\":\"DT_INT64\"}}}");
        String manifest =
                "[{\"paths\":[\"group1-shard1of2.bin\",\"group1-shard2of2.bin\"],\"weights\":["
                        + "{\"name\":\"w\",\"shape\":[1,1,1,2],\"dtype\":\"float32\","
                        + "\"quantization\":{\"dtype\":\"float16\",\"original_dtype\":\"float32\"}},"
                        + "{\"name\":\"b\",\"shape\":[2],\"dtype\":\"float32\"},"
                        + "{\"name\":\"dw\",\"shape\":[1,1,2,1],\"dtype\":\"float32\"},"
                        + "{\"name\":\"db\",\"shape\":[2],\"dtype\":\"float32\"},"
                        + "{\"name\":\"shape\",\"shape\":[2],\"dtype\":\"int32\"}]}]";
        String json =
                "{\"format\":\"graph-model\",\"generatedBy\":\"hand\",\"convertedBy\":\"hand\","
                        + "\"modelTopology\":{\"node\":["
                        + nodes
                        + "],\"library\":{},\"versions\":{}},\"weightsManifest\":"
                        + manifest
                        + "}";
        ByteBuffer bin = ByteBuffer.allocate(36).order(ByteOrder.LITTLE_ENDIAN);
        bin.putShort((short) 0x3c00).putShort((short) 0xc000); // float16 1.0, -2.0
        bin.putFloat(0.5f).putFloat(0.25f);
        bin.putFloat(2f).putFloat(3f);
        bin.putFloat(1f).putFloat(1f);
        bin.putInt(1).putInt(8);
        byte[] bytes = bin.array();
        Files.write(dir.resolve("group1-shard1of2.bin"), Arrays.copyOfRange(bytes, 0, 10));
        Files.write(dir.resolve("group1-shard2of2.bin"), Arrays.copyOfRange(bytes, 10, 36));
        Path modelJson = dir.resolve("model.json");
        Files.writeString(modelJson, json);
        return modelJson;
    }

    @Test
    void convertedModelComputesWhatTheTfjsModelDoes() throws IOException {
        Path savedModel = dir.resolve("out/saved_model");
        TfjsGraphImporter.convert(
                writeModel("BiasAdd", "Relu"), savedModel, Map.of("x", "x"), Map.of("y", "out:0"));

        // x = [1, -1, 2, 3]; conv: relu(x + 0.5), relu(-2x + 0.25); depthwise: 2a + 1, 3b + 1.
        float[] y = new float[8];
        try (SavedModelBundle bundle = SavedModelBundle.load(savedModel.toString(), "serve");
                TFloat32 x =
                        TFloat32.tensorOf(Shape.of(1, 2, 2, 1), DataBuffers.of(1f, -1f, 2f, 3f));
                Result result = bundle.function("serving_default").call(Map.of("x", x))) {
            TFloat32 out = (TFloat32) result.get("y").orElseThrow();
            assertThat(out.shape()).isEqualTo(Shape.of(1, 8));
            out.copyTo(DataBuffers.of(y, false, false));
        }
        assertThat(y).containsExactly(new float[] {4, 1, 1, 7.75f, 6, 1, 8, 1}, within(1e-6f));
        assertThat(dir.resolve("out")).isDirectoryNotContaining("glob:**.tmp-*");
    }

    @Test
    void unfusesIntoPublicOpsKeepingTheFusedNodeNameLast() throws IOException {
        GraphDef graph = TfjsGraphImporter.readGraphDef(writeModel("BiasAdd", "Relu"));

        assertThat(graph.getNodeList())
                .extracting(NodeDef::getOp)
                .doesNotContain("_FusedConv2D", "FusedDepthwiseConv2dNative")
                .containsSubsequence("Conv2D", "BiasAdd", "Relu")
                .containsSubsequence("DepthwiseConv2dNative", "BiasAdd");
        NodeDef conv = node(graph, "conv");
        assertThat(conv.getOp()).isEqualTo("Relu");
        NodeDef bias = node(graph, conv.getInput(0));
        assertThat(bias.getOp()).isEqualTo("BiasAdd");
        assertThat(bias.getInputList()).endsWith("b");
        NodeDef base = node(graph, bias.getInput(0));
        assertThat(base.getOp()).isEqualTo("Conv2D");
        assertThat(base.getInputList()).containsExactly("x", "w");
        assertThat(base.getAttrMap()).doesNotContainKeys("fused_ops", "num_args", "epsilon");
        assertThat(graph.getNodeList()).allSatisfy(n -> assertThat(n.getDevice()).isEmpty());
        NodeDef shape = node(graph, "shape");
        assertThat(shape.getAttrOrThrow("value").getTensor().getDtype())
                .isEqualTo(DataType.DT_INT64);
        assertThat(shape.getAttrOrThrow("value").getTensor().getTensorContent().size())
                .isEqualTo(16);
    }

    @Test
    void unsupportedFusedOpIsNamedWithItsNode() throws IOException {
        Path model = writeModel("BiasAdd", "Prelu");
        assertThatThrownBy(() -> TfjsGraphImporter.readGraphDef(model))
                .isInstanceOf(ModelImportException.class)
                .hasMessageContaining("'conv'")
                .hasMessageContaining("Prelu");
    }

    @Test
    void opTensorFlowDoesNotKnowIsNamedWithItsNode() throws IOException {
        Path model = writeModel("BiasAdd", "Relu");
        Files.writeString(
                model,
                Files.readString(model).replace("\"op\":\"Reshape\"", "\"op\":\"NoSuchTfjsOp\""));
        Path target = dir.resolve("bad/saved_model");
        assertThatThrownBy(
                        () ->
                                TfjsGraphImporter.convert(
                                        model, target, Map.of("x", "x"), Map.of("y", "out")))
                .isInstanceOf(ModelImportException.class)
                .hasMessageContaining("'out'")
                .hasMessageContaining("NoSuchTfjsOp");
        assertThat(target).doesNotExist();
        assertThat(dir.resolve("bad")).isEmptyDirectory();
    }

    @Test
    void refusesToOverwriteAnExistingModel() throws IOException {
        Path target = Files.createDirectories(dir.resolve("existing"));
        Path model = writeModel("BiasAdd", "Relu");
        assertThatThrownBy(
                        () ->
                                TfjsGraphImporter.convert(
                                        model, target, Map.of("x", "x"), Map.of("y", "out")))
                .hasMessageContaining("already exists");
    }

    @Test
    void missingWeightBytesAreReported() throws IOException {
        Path model = writeModel("BiasAdd", "Relu");
        Files.write(dir.resolve("group1-shard2of2.bin"), new byte[4]);
        assertThatThrownBy(() -> TfjsGraphImporter.readGraphDef(model))
                .isInstanceOf(ModelImportException.class)
                .hasMessageContaining("before weight");
    }

    @Test
    void float16() {
        assertThat(TfjsWeights.halfToFloat((short) 0x3c00)).isEqualTo(1f);
        assertThat(TfjsWeights.halfToFloat((short) 0xc000)).isEqualTo(-2f);
        assertThat(TfjsWeights.halfToFloat((short) 0x3555)).isCloseTo(0.33325f, within(1e-5f));
        assertThat(TfjsWeights.halfToFloat((short) 0x7bff)).isEqualTo(65504f);
        assertThat(TfjsWeights.halfToFloat((short) 0x0001)).isEqualTo((float) Math.pow(2, -24));
        assertThat(TfjsWeights.halfToFloat((short) 0x8000)).isEqualTo(-0f);
        assertThat(TfjsWeights.halfToFloat((short) 0x7c00)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(TfjsWeights.halfToFloat((short) 0x7e00)).isNaN();
    }

    private static NodeDef node(GraphDef graph, String name) {
        return graph.getNodeList().stream()
                .filter(n -> n.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no node " + name));
    }
}
