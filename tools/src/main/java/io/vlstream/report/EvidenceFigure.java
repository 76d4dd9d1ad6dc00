package io.vlstream.report;

import static io.vlstream.report.Html.esc;
import static io.vlstream.report.Html.fmt;
import static io.vlstream.report.Html.num;

import io.vlstream.avro.Box;
import io.vlstream.avro.EvidenceFrame;
import java.util.List;

/**
 * One evidence frame as inline SVG: the image (a data URL) with the grounded boxes drawn over it,
 * each labelled with its model label and score in its phrase's colour. Strokes do not scale with
 * the image, so boxes stay crisp however small the frame is shown.
 */
final class EvidenceFigure {

    /** A box to draw: the phrase colour, the label text, the box in image pixels. */
    record DrawnBox(String colour, int phraseIndex, String label, float score, Box box) {}

    private EvidenceFigure() {}

    static String render(EvidenceFrame frame, List<DrawnBox> boxes) {
        int w = Math.max(frame.getWidth(), 1);
        int h = Math.max(frame.getHeight(), 1);
        StringBuilder svg = new StringBuilder();
        svg.append(
                fmt(
                        "<svg class=\"evidence\" viewBox=\"0 0 %d %d\" role=\"img\""
                                + " aria-label=\"frame %d with %d boxes\">",
                        w, h, frame.getFrameSequence(), boxes.size()));
        if (frame.getImage() != null && frame.getImage().remaining() > 0) {
            svg.append(
                    fmt(
                            "<image href=\"%s\" x=\"0\" y=\"0\" width=\"%d\" height=\"%d\""
                                    + " preserveAspectRatio=\"none\"/>",
                            Html.dataUrl(frame.getMediaType(), frame.getImage()), w, h));
        } else {
            svg.append(
                    fmt(
                            "<rect class=\"no-image\" width=\"%d\" height=\"%d\"/>"
                                    + "<text class=\"no-image-text\" x=\"%d\" y=\"%d\""
                                    + " text-anchor=\"middle\" font-size=\"%d\">image not"
                                    + " embedded in the caption</text>",
                            w, h, w / 2, h / 2, Math.max(12, h / 20)));
        }
        double fontSize = Math.max(12, Math.min(w, h) / 24.0);
        double pad = fontSize * 0.3;
        for (DrawnBox b : boxes) {
            Box box = b.box();
            double x1 = clamp(box.getX1(), w);
            double y1 = clamp(box.getY1(), h);
            double x2 = clamp(box.getX2(), w);
            double y2 = clamp(box.getY2(), h);
            String rect =
                    fmt(
                            "x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\"",
                            num(x1), num(y1), num(Math.max(x2 - x1, 1)), num(Math.max(y2 - y1, 1)));
            // A dark halo under the coloured stroke keeps it visible on light and dark frames.
            svg.append("<rect class=\"box-halo\" ").append(rect).append("/>");
            svg.append(
                    fmt(
                            "<rect class=\"box\" data-phrase=\"%d\" %s stroke=\"%s\"><title>%s"
                                    + "</title></rect>",
                            b.phraseIndex(),
                            rect,
                            b.colour(),
                            esc(fmt("%s %.2f", b.label(), b.score()))));
            String tag = fmt("%s %.2f", b.label(), b.score());
            double tagW = tag.length() * fontSize * 0.58 + 2 * pad;
            double tagH = fontSize + 2 * pad;
            double tx = Math.min(x1, w - tagW);
            double ty = y1 - tagH >= 0 ? y1 - tagH : y1;
            svg.append(
                    fmt(
                            "<g class=\"tag\"><rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\""
                                    + " rx=\"%s\" fill=\"%s\"/><text x=\"%s\" y=\"%s\""
                                    + " font-size=\"%s\">%s</text></g>",
                            num(Math.max(tx, 0)),
                            num(ty),
                            num(tagW),
                            num(tagH),
                            num(pad),
                            b.colour(),
                            num(Math.max(tx, 0) + pad),
                            num(ty + pad + fontSize * 0.82),
                            num(fontSize),
                            esc(tag)));
        }
        svg.append("</svg>");
        return svg.toString();
    }

    private static double clamp(double v, int max) {
        return Math.max(0, Math.min(max, v));
    }
}
