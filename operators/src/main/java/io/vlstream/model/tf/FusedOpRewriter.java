package io.vlstream.model.tf;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;

/**
 * Replaces the fused ops TF.js graph models use ({@code FusedDepthwiseConv2dNative}, {@code
 * _FusedConv2D}, {@code _FusedMatMul}) with the plain TensorFlow ops they stand for: the base op,
 * then {@code BiasAdd} or {@code FusedBatchNormV3}, then the optional add and activation. The last
 * node of each chain keeps the fused node's name, so consumers need no change.
 *
 * <p>Unfusing rather than patching attributes onto {@code _FusedConv2D} keeps the SavedModel in
 * public ops only; TensorFlow's graph optimizer fuses the chain again at load time.
 */
final class FusedOpRewriter {

    /** Fused op → base op and the attributes the base op accepts. */
    private static final Map<String, BaseOp> BASE_OPS =
            Map.of(
                    "_FusedConv2D",
                    new BaseOp(
                            "Conv2D",
                            Set.of(
                                    "T",
                                    "strides",
                                    "padding",
                                    "explicit_paddings",
                                    "data_format",
                                    "dilations",
                                    "use_cudnn_on_gpu")),
                    "FusedDepthwiseConv2dNative",
                    new BaseOp(
                            "DepthwiseConv2dNative",
                            Set.of(
                                    "T",
                                    "strides",
                                    "padding",
                                    "explicit_paddings",
                                    "data_format",
                                    "dilations")),
                    "_FusedMatMul",
                    new BaseOp("MatMul", Set.of("T", "transpose_a", "transpose_b")));

    private static final Set<String> ACTIVATIONS =
            Set.of("Relu", "Relu6", "Elu", "Selu", "Sigmoid", "Tanh", "LeakyRelu");

    private record BaseOp(String op, Set<String> attrs) {}

    private final Set<String> names = new HashSet<>();

    private FusedOpRewriter() {}

    /** The graph with every fused TF.js op unfused and every device pin removed. */
    static GraphDef rewrite(GraphDef graph) throws ModelImportException {
        FusedOpRewriter rewriter = new FusedOpRewriter();
        graph.getNodeList().forEach(n -> rewriter.names.add(n.getName()));
        GraphDef.Builder out = graph.toBuilder().clearNode();
        for (NodeDef node : graph.getNodeList()) {
            // TF.js converters leave "/device:CPU:0" pins behind; they would keep a GPU idle.
            NodeDef unpinned = node.toBuilder().clearDevice().build();
            if (BASE_OPS.containsKey(node.getOp())) {
                out.addAllNode(rewriter.unfuse(unpinned));
            } else {
                out.addNode(unpinned);
            }
        }
        return out.build();
    }

    private List<NodeDef> unfuse(NodeDef fused) throws ModelImportException {
        String name = fused.getName();
        BaseOp base = BASE_OPS.get(fused.getOp());
        List<String> data = new ArrayList<>();
        List<String> control = new ArrayList<>();
        for (String input : fused.getInputList()) {
            (input.startsWith("^") ? control : data).add(input);
        }
        Map<String, AttrValue> attrs = fused.getAttrMap();
        long numArgs = attrs.containsKey("num_args") ? attrs.get("num_args").getI() : 0;
        if (data.size() != 2 + numArgs) {
            throw fail(fused, "has " + data.size() + " inputs, expected 2 + num_args=" + numArgs);
        }
        List<String> fusedOps = new ArrayList<>();
        if (attrs.containsKey("fused_ops")) {
            for (ByteString s : attrs.get("fused_ops").getList().getSList()) {
                fusedOps.add(s.toString(StandardCharsets.UTF_8));
            }
        }
        if (fusedOps.isEmpty()) {
            throw fail(fused, "has no fused_ops");
        }
        AttrValue type = attrs.get("T");
        if (type == null) {
            throw fail(fused, "has no T attribute");
        }
        int nextArg = 2;
        List<NodeDef> chain = new ArrayList<>();

        NodeDef.Builder baseNode =
                NodeDef.newBuilder().setName(name).setOp(base.op()).addInput(data.get(0));
        baseNode.addInput(data.get(1)).addAllInput(control);
        attrs.forEach(
                (key, value) -> {
                    if (base.attrs().contains(key)) {
                        baseNode.putAttr(key, value);
                    }
                });
        chain.add(baseNode.build());

        for (int i = 0; i < fusedOps.size(); i++) {
            String op = fusedOps.get(i);
            String previous = chain.get(chain.size() - 1).getName();
            NodeDef.Builder next = NodeDef.newBuilder().putAttr("T", type);
            if (i == 0 && op.equals("BiasAdd")) {
                next.setOp("BiasAdd").addInput(previous).addInput(data.get(nextArg++));
                if (attrs.containsKey("data_format")) {
                    next.putAttr("data_format", attrs.get("data_format"));
                }
            } else if (i == 0 && op.equals("FusedBatchNorm")) {
                next.setOp("FusedBatchNormV3").addInput(previous);
                for (int k = 0; k < 4; k++) {
                    if (nextArg >= data.size()) {
                        throw fail(fused, "has too few arguments for FusedBatchNorm");
                    }
                    next.addInput(data.get(nextArg++));
                }
                next.putAttr("U", AttrValue.newBuilder().setType(DataType.DT_FLOAT).build())
                        .putAttr("is_training", AttrValue.newBuilder().setB(false).build());
                if (attrs.containsKey("epsilon")) {
                    next.putAttr("epsilon", attrs.get("epsilon"));
                }
                if (attrs.containsKey("data_format")) {
                    next.putAttr("data_format", attrs.get("data_format"));
                }
            } else if (i > 0 && op.equals("Add")) {
                if (nextArg >= data.size()) {
                    throw fail(fused, "has no argument left for Add");
                }
                next.setOp("AddV2").addInput(previous).addInput(data.get(nextArg++));
            } else if (i > 0 && ACTIVATIONS.contains(op)) {
                next.setOp(op).addInput(previous);
                if (op.equals("LeakyRelu") && attrs.containsKey("leakyrelu_alpha")) {
                    next.putAttr("alpha", attrs.get("leakyrelu_alpha"));
                }
            } else {
                throw fail(
                        fused,
                        "fuses "
                                + fusedOps
                                + "; '"
                                + op
                                + "' at position "
                                + i
                                + " is not supported");
            }
            chain.add(next.setName(name).build());
        }
        if (nextArg != data.size()) {
            throw fail(fused, "has " + (data.size() - nextArg) + " unused arguments");
        }
        // Every node but the last gets a fresh name; the last keeps the fused node's name.
        List<NodeDef> renamed = new ArrayList<>();
        String previousName = null;
        for (int i = 0; i < chain.size(); i++) {
            NodeDef.Builder node = chain.get(i).toBuilder();
            if (i > 0) {
                node.setInput(0, previousName);
            }
            String nodeName =
                    i == chain.size() - 1
                            ? name
                            : freshName(name + "/" + node.getOp().toLowerCase());
            renamed.add(node.setName(nodeName).build());
            previousName = nodeName;
        }
        return renamed;
    }

    private String freshName(String wanted) {
        String candidate = wanted;
        for (int k = 1; names.contains(candidate); k++) {
            candidate = wanted + "_" + k;
        }
        names.add(candidate);
        return candidate;
    }

    private static ModelImportException fail(NodeDef node, String problem) {
        return new ModelImportException(
                "Cannot convert node '"
                        + node.getName()
                        + "' (op "
                        + node.getOp()
                        + "): it "
                        + problem);
    }
}
