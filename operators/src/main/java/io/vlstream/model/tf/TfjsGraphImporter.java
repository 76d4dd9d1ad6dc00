package io.vlstream.model.tf;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * Converts a TF.js graph model ({@code model.json} plus its weight shards) into a TensorFlow
 * SavedModel with one {@code serving_default} signature.
 *
 * <p>Steps: the {@code modelTopology} is read as a {@code GraphDef}; every weight is written into
 * its {@code Const} node (float16-quantized weights expanded to float32, int32 weights of {@code
 * DT_INT64} nodes widened); TF.js-only fused ops are unfused ({@link FusedOpRewriter}); the graph
 * is imported into TensorFlow, which checks every op, and exported. The SavedModel is written to a
 * temporary directory beside the target and moved into place atomically, so a reader never sees
 * half a model.
 */
public final class TfjsGraphImporter {

    private static final Logger LOG = LoggerFactory.getLogger(TfjsGraphImporter.class);
    private static final Pattern UNKNOWN_OP = Pattern.compile("Op type not registered '([^']+)'");

    private TfjsGraphImporter() {}

    /**
     * Converts {@code modelJson} into a SavedModel at {@code savedModelDir}, which must not exist.
     *
     * @param inputs signature input name → graph tensor name ({@code node} or {@code node:k})
     * @param outputs signature output name → graph tensor name
     * @throws ModelImportException when the model uses something the converter cannot handle; the
     *     message names the node, op or weight
     */
    public static void convert(
            Path modelJson,
            Path savedModelDir,
            Map<String, String> inputs,
            Map<String, String> outputs)
            throws IOException {
        if (Files.exists(savedModelDir)) {
            throw new IOException(
                    savedModelDir
                            + " already exists; delete it to convert "
                            + modelJson
                            + " again");
        }
        long start = System.nanoTime();
        GraphDef graphDef = readGraphDef(modelJson);
        Path parent = savedModelDir.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path work = Files.createTempDirectory(parent, savedModelDir.getFileName() + ".tmp-");
        try {
            export(graphDef, work, inputs, outputs, modelJson);
            Files.move(work, savedModelDir, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            if (Files.exists(work)) {
                deleteRecursively(work);
            }
        }
        LOG.info(
                "Converted TF.js model {} ({} nodes) into SavedModel {} in {} ms",
                modelJson,
                graphDef.getNodeCount(),
                savedModelDir,
                (System.nanoTime() - start) / 1_000_000);
    }

    /** The model's graph with weights filled in and fused ops rewritten, ready to import. */
    static GraphDef readGraphDef(Path modelJson) throws IOException {
        // Read as a generic Struct (protobuf's own JSON, no extra JSON library); the topology is
        // then re-read as a GraphDef and the manifest walked as plain values.
        Struct.Builder builder = Struct.newBuilder();
        try {
            JsonFormat.parser().merge(Files.readString(modelJson), builder);
        } catch (InvalidProtocolBufferException e) {
            throw new ModelImportException(modelJson + " is not valid JSON: " + e.getMessage(), e);
        }
        Struct model = builder.build();
        String format =
                model.getFieldsMap()
                        .getOrDefault("format", Value.getDefaultInstance())
                        .getStringValue();
        if (!format.isEmpty() && !format.equals("graph-model")) {
            throw new ModelImportException(
                    modelJson + " is a TF.js '" + format + "', only graph-model is supported");
        }
        Value topology = TfjsWeights.field(model, "modelTopology", modelJson.toString());
        GraphDef.Builder graph = GraphDef.newBuilder();
        try {
            JsonFormat.parser()
                    .ignoringUnknownFields()
                    .merge(JsonFormat.printer().print(topology), graph);
        } catch (InvalidProtocolBufferException e) {
            throw new ModelImportException(
                    modelJson + "'s modelTopology is not a GraphDef: " + e.getMessage(), e);
        }
        Map<String, TfjsWeights.Weight> weights =
                TfjsWeights.read(
                        TfjsWeights.field(model, "weightsManifest", modelJson.toString())
                                .getListValue(),
                        modelJson.toAbsolutePath().getParent());
        Map<String, TfjsWeights.Weight> unused = new LinkedHashMap<>(weights);
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeDef node = graph.getNode(i);
            TfjsWeights.Weight weight = unused.remove(node.getName());
            if (weight != null) {
                graph.setNode(i, withValue(node, weight));
            }
        }
        if (!unused.isEmpty()) {
            LOG.debug("Weights without a node in {}: {}", modelJson, unused.keySet());
        }
        return FusedOpRewriter.rewrite(graph.build());
    }

    private static NodeDef withValue(NodeDef node, TfjsWeights.Weight weight)
            throws ModelImportException {
        if (!node.getOp().equals("Const")) {
            throw new ModelImportException(
                    "Weight "
                            + weight.name()
                            + " belongs to node of op "
                            + node.getOp()
                            + ", expected Const");
        }
        AttrValue dtypeAttr = node.getAttrMap().get("dtype");
        DataType dtype = dtypeAttr == null ? DataType.DT_INVALID : dtypeAttr.getType();
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : weight.shape()) {
            shape.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
        }
        TensorProto.Builder tensor = TensorProto.newBuilder().setDtype(dtype).setTensorShape(shape);
        if (weight.floats() != null && dtype == DataType.DT_FLOAT) {
            ByteBuffer b = littleEndian(4L * weight.floats().length);
            b.asFloatBuffer().put(weight.floats());
            tensor.setTensorContent(ByteString.copyFrom(b));
        } else if (weight.ints() != null && dtype == DataType.DT_INT32) {
            ByteBuffer b = littleEndian(4L * weight.ints().length);
            b.asIntBuffer().put(weight.ints());
            tensor.setTensorContent(ByteString.copyFrom(b));
        } else if (weight.ints() != null && dtype == DataType.DT_INT64) {
            // TF.js has no int64: the converter narrowed these to int32.
            ByteBuffer b = littleEndian(8L * weight.ints().length);
            for (int v : weight.ints()) {
                b.putLong(v);
            }
            tensor.setTensorContent(ByteString.copyFrom(b.flip()));
        } else if (weight.bools() != null && dtype == DataType.DT_BOOL) {
            tensor.setTensorContent(ByteString.copyFrom(weight.bools()));
        } else if (weight.strings() != null && dtype == DataType.DT_STRING) {
            tensor.addAllStringVal(weight.strings());
        } else {
            throw new ModelImportException(
                    "Node '"
                            + node.getName()
                            + "' is a Const of "
                            + dtype
                            + " but its weight holds "
                            + kind(weight));
        }
        return node.toBuilder()
                .putAttr("value", AttrValue.newBuilder().setTensor(tensor).build())
                .build();
    }

    private static String kind(TfjsWeights.Weight w) {
        return w.floats() != null
                ? "floats"
                : w.ints() != null ? "int32s" : w.bools() != null ? "bools" : "strings";
    }

    private static ByteBuffer littleEndian(long size) throws ModelImportException {
        if (size > Integer.MAX_VALUE) {
            throw new ModelImportException("Weight of " + size + " bytes is too large");
        }
        return ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void export(
            GraphDef graphDef,
            Path dir,
            Map<String, String> inputs,
            Map<String, String> outputs,
            Path source)
            throws IOException {
        try (Graph graph = new Graph()) {
            try {
                graph.importGraphDef(graphDef);
            } catch (IllegalArgumentException | TensorFlowException e) {
                throw new ModelImportException(describeImportFailure(e, graphDef, source), e);
            }
            Signature.Builder signature = Signature.builder(Signature.DEFAULT_KEY);
            for (Map.Entry<String, String> in : inputs.entrySet()) {
                signature.input(in.getKey(), output(graph, in.getValue(), source));
            }
            for (Map.Entry<String, String> out : outputs.entrySet()) {
                signature.output(out.getKey(), output(graph, out.getValue(), source));
            }
            try (Session session = new Session(graph)) {
                SavedModelBundle.exporter(dir.toString())
                        .withSession(session)
                        .withSignature(signature.build())
                        .export();
            }
        }
    }

    private static org.tensorflow.Output<?> output(Graph graph, String tensorName, Path source)
            throws ModelImportException {
        int colon = tensorName.lastIndexOf(':');
        String node = colon < 0 ? tensorName : tensorName.substring(0, colon);
        int index = colon < 0 ? 0 : Integer.parseInt(tensorName.substring(colon + 1));
        GraphOperation op = graph.operation(node);
        if (op == null) {
            throw new ModelImportException(source + " has no node '" + node + "'");
        }
        if (index >= op.numOutputs()) {
            throw new ModelImportException(
                    "Node '" + node + "' (op " + op.type() + ") has no output " + index);
        }
        return op.output(index);
    }

    private static String describeImportFailure(
            RuntimeException e, GraphDef graphDef, Path source) {
        String message = "TensorFlow rejected the graph of " + source + ": " + e.getMessage();
        Matcher m = UNKNOWN_OP.matcher(String.valueOf(e.getMessage()));
        if (m.find()) {
            String op = m.group(1);
            String node =
                    graphDef.getNodeList().stream()
                            .filter(n -> n.getOp().equals(op))
                            .map(NodeDef::getName)
                            .findFirst()
                            .orElse("?");
            message =
                    "Node '"
                            + node
                            + "' of "
                            + source
                            + " uses op "
                            + op
                            + ", which TensorFlow does not know and the converter cannot rewrite";
        }
        return message;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
