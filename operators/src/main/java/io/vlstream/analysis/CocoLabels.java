package io.vlstream.analysis;

import java.util.List;

/** The 80 COCO object classes, in the class-id order of COCO-80 detectors. */
public final class CocoLabels {

    public static final List<String> LABELS =
            List.of(
                    "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck",
                    "boat", "traffic light", "fire hydrant", "stop sign", "parking meter", "bench",
                    "bird", "cat", "dog", "horse", "sheep", "cow", "elephant", "bear", "zebra",
                    "giraffe", "backpack", "umbrella", "handbag", "tie", "suitcase", "frisbee",
                    "skis", "snowboard", "sports ball", "kite", "baseball bat", "baseball glove",
                    "skateboard", "surfboard", "tennis racket", "bottle", "wine glass", "cup",
                    "fork", "knife", "spoon", "bowl", "banana", "apple", "sandwich", "orange",
                    "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair", "couch",
                    "potted plant", "bed", "dining table", "toilet", "tv", "laptop", "mouse",
                    "remote", "keyboard", "cell phone", "microwave", "oven", "toaster", "sink",
                    "refrigerator", "book", "clock", "vase", "scissors", "teddy bear",
                    "hair drier", "toothbrush");

    private CocoLabels() {}

    /** The label of a 0-based class id, or "class-N" for an id outside the list. */
    public static String label(int classId) {
        return classId >= 0 && classId < LABELS.size() ? LABELS.get(classId) : "class-" + classId;
    }
}
