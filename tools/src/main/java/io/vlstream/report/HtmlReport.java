package io.vlstream.report;

import static io.vlstream.report.Html.clock;
import static io.vlstream.report.Html.esc;
import static io.vlstream.report.Html.fmt;

import io.vlstream.avro.AlignmentScore;
import io.vlstream.avro.DeadLetter;
import io.vlstream.avro.EvidenceFrame;
import io.vlstream.avro.GroundedCaption;
import io.vlstream.avro.GroundedPhrase;
import io.vlstream.avro.ModelRef;
import io.vlstream.avro.Region;
import io.vlstream.avro.SubjectKind;
import io.vlstream.avro.TermContribution;
import io.vlstream.output.StreamClock;
import io.vlstream.output.VlstreamOutput;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Renders vlstream's output as one self-contained HTML page: per stream, a timeline of frame scores
 * per instruction with the moments marked, then each moment's caption (phrases highlighted in the
 * colours of their boxes), its evidence frames with the grounded boxes drawn on them, the score's
 * explanation, timed-text scores and the models that produced it all. No scripts, no external URLs:
 * images are data URLs, charts are inline SVG, styles are inline CSS.
 */
public final class HtmlReport {

    /**
     * What to render and how.
     *
     * @param title page title
     * @param source where the output was read from, shown in the header
     * @param threshold score threshold line drawn on the timelines
     */
    public record Options(String title, String source, float threshold) {}

    private HtmlReport() {}

    public static String render(VlstreamOutput output, Options options) {
        StringBuilder html = new StringBuilder(256 * 1024);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">")
                .append("<title>")
                .append(esc(options.title()))
                .append("</title><style>")
                .append(CSS)
                .append("</style></head><body>\n");
        List<GroundedCaption> moments = output.moments();
        long frameScores =
                output.scores().stream()
                        .filter(s -> s.getSubjectKind() == SubjectKind.INSTRUCTION)
                        .count();
        long textScores = output.scores().size() - frameScores;
        html.append("<header class=\"page\"><div class=\"wrap\"><h1>")
                .append(esc(options.title()))
                .append("</h1><p class=\"sub\">")
                .append(esc(options.source()))
                .append(" · generated ")
                .append(
                        DateTimeFormatter.ISO_LOCAL_DATE_TIME
                                .withZone(ZoneOffset.UTC)
                                .format(
                                        Instant.now()
                                                .truncatedTo(
                                                        java.time.temporal.ChronoUnit.SECONDS)))
                .append(" UTC</p><div class=\"stats\">")
                .append(stat(output.streamIds().size(), "streams"))
                .append(stat(moments.size(), "moments"))
                .append(stat(frameScores, "frame scores"))
                .append(stat(textScores, "timed-text scores"))
                .append(stat(output.deadLetters().size(), "dead letters"))
                .append("</div></div></header>\n<main class=\"wrap\">\n");
        if (output.streamIds().isEmpty()) {
            html.append("<p class=\"empty\">No captions or scores in this output.</p>");
        }
        for (String streamId : output.streamIds()) {
            stream(html, output.forStream(streamId), streamId, options);
        }
        deadLetters(html, output.deadLetters());
        html.append("</main><footer class=\"wrap\">vlstream report · every image and chart is")
                .append(" embedded in this file</footer></body></html>\n");
        return html.toString();
    }

    private static String stat(long value, String label) {
        return "<div class=\"stat\"><b>" + value + "</b><span>" + esc(label) + "</span></div>";
    }

    private static void stream(
            StringBuilder html, VlstreamOutput output, String streamId, Options options) {
        StreamClock clock = StreamClock.of(output);
        List<GroundedCaption> moments = output.moments();
        // Instructions in order of first appearance, each with its colour.
        Map<String, String> instructionText = new LinkedHashMap<>();
        for (AlignmentScore s : output.scores()) {
            if (s.getSubjectKind() == SubjectKind.INSTRUCTION) {
                instructionText.putIfAbsent(s.getSubjectId(), s.getSubjectText());
            }
        }
        moments.forEach(
                m -> instructionText.putIfAbsent(m.getInstructionId(), m.getInstructionText()));
        Map<String, String> colours = new LinkedHashMap<>();
        instructionText
                .keySet()
                .forEach(id -> colours.put(id, Palette.instruction(colours.size())));

        html.append("<section class=\"stream\" id=\"stream-")
                .append(esc(streamId))
                .append("\"><h2>Stream <code>")
                .append(esc(streamId))
                .append("</code></h2><p class=\"sub\">")
                .append(fmt("%.1f s", clock.durationSeconds()))
                .append(fmt(" · %d frames at %.1f fps", clock.frameCount(), clock.fps()))
                .append(" · ")
                .append(moments.size())
                .append(moments.size() == 1 ? " moment" : " moments")
                .append("</p>\n<div class=\"card\"><h3>Frame scores per instruction</h3>");

        List<TimelineChart.Series> series = new ArrayList<>();
        for (Map.Entry<String, String> instruction : instructionText.entrySet()) {
            TreeMap<Double, Double> points = new TreeMap<>();
            for (AlignmentScore s : output.scores()) {
                if (s.getSubjectKind() == SubjectKind.INSTRUCTION
                        && s.getSubjectId().equals(instruction.getKey())) {
                    points.put(clock.seconds(s.getStartMicros()), (double) s.getScore());
                }
            }
            series.add(
                    new TimelineChart.Series(
                            instruction.getValue(),
                            colours.get(instruction.getKey()),
                            points.entrySet().stream()
                                    .map(e -> new double[] {e.getKey(), e.getValue()})
                                    .toList()));
        }
        List<TimelineChart.Span> spans = new ArrayList<>();
        for (int i = 0; i < moments.size(); i++) {
            GroundedCaption m = moments.get(i);
            spans.add(
                    new TimelineChart.Span(
                            "M" + (i + 1),
                            colours.get(m.getInstructionId()),
                            clock.seconds(m.getMomentStartMicros()),
                            // A moment of one frame still covers that frame's interval.
                            clock.seconds(m.getMomentEndMicros()) + 1 / clock.fps()));
        }
        List<TimelineChart.TextBand> texts = new ArrayList<>();
        for (AlignmentScore t : output.scores()) {
            if (t.getSubjectKind() == SubjectKind.TIMED_TEXT) {
                texts.add(
                        new TimelineChart.TextBand(
                                "“" + t.getSubjectText() + "” " + verdictName(t),
                                verdictClass(t),
                                Palette.verdict(t.getVerdict()),
                                clock.seconds(t.getStartMicros()),
                                clock.seconds(t.getEndMicros())));
            }
        }
        html.append(TimelineChart.render(clock, series, spans, texts, options.threshold()));
        html.append("<ul class=\"legend\">");
        for (Map.Entry<String, String> instruction : instructionText.entrySet()) {
            html.append("<li><span class=\"swatch\" style=\"background:")
                    .append(colours.get(instruction.getKey()))
                    .append("\"></span>“")
                    .append(esc(instruction.getValue()))
                    .append("” <code>")
                    .append(esc(instruction.getKey()))
                    .append("</code></li>");
        }
        html.append(
                "<li class=\"muted\">shaded: moments · dashed: threshold · bottom strip: timed"
                        + " texts (green supported, red contradicted, grey cannot tell)</li>"
                        + "</ul></div>\n");

        for (int i = 0; i < moments.size(); i++) {
            moment(
                    html,
                    moments.get(i),
                    i + 1,
                    clock,
                    colours.get(moments.get(i).getInstructionId()));
        }
        timedTexts(html, output.scores(), clock);
        lineage(html, output);
        html.append("</section>\n");
    }

    private static void moment(
            StringBuilder html, GroundedCaption m, int number, StreamClock clock, String colour) {
        html.append("<article class=\"card moment\" id=\"")
                .append(esc(fmt("moment-%s-%d", m.getStreamId(), number)))
                .append("\"><div class=\"moment-head\"><span class=\"badge\" style=\"background:")
                .append(colour)
                .append("\">M")
                .append(number)
                .append("</span><h3>")
                .append(clock(clock.seconds(m.getMomentStartMicros())))
                .append(" – ")
                .append(clock(clock.seconds(m.getMomentEndMicros())))
                .append("</h3><span class=\"muted\">")
                .append(fmt("%d frames", m.getFrameCount()))
                .append(" · “")
                .append(esc(m.getInstructionText()))
                .append("”")
                .append(
                        m.getStatus() == io.vlstream.avro.MomentStatus.FINAL
                                ? ""
                                : " · " + m.getStatus())
                .append("</span>")
                .append(scoreMeter(m.getAlignmentScore()))
                .append("</div>");

        // The caption, phrases highlighted in their box colours.
        List<GroundedPhrase> phrases = m.getPhrases();
        html.append("<p class=\"caption\">")
                .append(highlight(m.getCaption(), phrases))
                .append("</p>");
        if (!phrases.isEmpty()) {
            html.append("<ul class=\"phrases\">");
            for (int p = 0; p < phrases.size(); p++) {
                GroundedPhrase phrase = phrases.get(p);
                Set<String> labels = new TreeSet<>();
                phrase.getRegions().forEach(r -> labels.add(r.getLabel()));
                html.append("<li><span class=\"swatch\" style=\"background:")
                        .append(Palette.phrase(p))
                        .append("\"></span>")
                        .append(esc(phrase.getText()))
                        .append(" <span class=\"muted\">→ ")
                        .append(phrase.getRegions().size())
                        .append(phrase.getRegions().size() == 1 ? " box" : " boxes")
                        .append(labels.isEmpty() ? "" : " (" + esc(String.join(", ", labels)) + ")")
                        .append("</span></li>");
            }
            html.append("</ul>");
        }
        if (!m.getUngroundedTerms().isEmpty()) {
            html.append("<p class=\"ungrounded\">Not grounded by the model:");
            for (String term : m.getUngroundedTerms()) {
                html.append(" <span class=\"chip\">").append(esc(term)).append("</span>");
            }
            html.append("</p>");
        }

        // Evidence frames with their boxes.
        html.append("<div class=\"evidence-grid\">");
        List<EvidenceFrame> evidence =
                m.getEvidence().stream()
                        .sorted(Comparator.comparingLong(EvidenceFrame::getPtsMicros))
                        .toList();
        for (EvidenceFrame frame : evidence) {
            List<EvidenceFigure.DrawnBox> boxes = boxesOn(frame.getFrameSequence(), phrases);
            html.append("<figure>")
                    .append(EvidenceFigure.render(frame, boxes))
                    .append("<figcaption>frame #")
                    .append(frame.getFrameSequence())
                    .append(" · ")
                    .append(clock(clock.seconds(frame.getPtsMicros())))
                    .append(fmt(" · relevance %.2f", frame.getRelevance()))
                    .append(" · ")
                    .append(boxes.size())
                    .append(boxes.size() == 1 ? " box" : " boxes")
                    .append("</figcaption></figure>");
        }
        html.append("</div>");
        contributions(html, m.getContributions(), "Why this score");
        html.append("</article>\n");
    }

    /** The regions of {@code phrases} found in frame {@code sequence}, once each. */
    static List<EvidenceFigure.DrawnBox> boxesOn(long sequence, List<GroundedPhrase> phrases) {
        List<EvidenceFigure.DrawnBox> boxes = new ArrayList<>();
        Set<String> drawn = new HashSet<>();
        for (int p = 0; p < phrases.size(); p++) {
            for (Region r : phrases.get(p).getRegions()) {
                if (r.getFrameSequence() != sequence) {
                    continue;
                }
                String key =
                        r.getLabel()
                                + fmt(
                                        "%.1f,%.1f,%.1f,%.1f",
                                        r.getBox().getX1(),
                                        r.getBox().getY1(),
                                        r.getBox().getX2(),
                                        r.getBox().getY2());
                if (drawn.add(key)) {
                    boxes.add(
                            new EvidenceFigure.DrawnBox(
                                    Palette.phrase(p), p, r.getLabel(), r.getScore(), r.getBox()));
                }
            }
        }
        return boxes;
    }

    /** The caption with each phrase's characters wrapped in a mark of the phrase's colour. */
    static String highlight(String caption, List<GroundedPhrase> phrases) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < phrases.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingInt(i -> phrases.get(i).getCharStart()));
        StringBuilder out = new StringBuilder("“");
        int at = 0;
        for (int i : order) {
            GroundedPhrase p = phrases.get(i);
            int start = p.getCharStart();
            int end = p.getCharEnd();
            if (start < at || end > caption.length() || end <= start) {
                continue; // overlapping or out of range: leave the text plain
            }
            out.append(esc(caption.substring(at, start)))
                    .append("<mark style=\"--c:")
                    .append(Palette.phrase(i))
                    .append("\">")
                    .append(esc(caption.substring(start, end)))
                    .append("</mark>");
            at = end;
        }
        out.append(esc(caption.substring(at))).append("”");
        return out.toString();
    }

    private static String scoreMeter(float score) {
        double v = Math.max(0, Math.min(1, score));
        return fmt(
                "<span class=\"score\" title=\"alignment score\"><span class=\"meter\"><span"
                        + " style=\"width:%.0f%%\"></span></span><b>%.2f</b></span>",
                v * 100, score);
    }

    private static void contributions(
            StringBuilder html, List<TermContribution> contributions, String title) {
        if (contributions.isEmpty()) {
            return;
        }
        html.append("<details><summary>")
                .append(esc(title))
                .append("</summary><table class=\"terms\"><thead><tr><th>term</th><th>kind</th>")
                .append("<th>model labels</th><th>score</th><th>weight</th><th></th>")
                .append("<th>detail</th></tr></thead><tbody>");
        for (TermContribution c : contributions) {
            html.append("<tr><td>")
                    .append(esc(c.getTerm()))
                    .append("</td><td>")
                    .append(esc(c.getKind().name().toLowerCase(java.util.Locale.ROOT)))
                    .append("</td><td>")
                    .append(esc(String.join(", ", c.getLabels())))
                    .append("</td><td class=\"num\">")
                    .append(fmt("%.2f", c.getScore()))
                    .append("</td><td class=\"num\">")
                    .append(fmt("%.2f", c.getWeight()))
                    .append("</td><td>")
                    .append(
                            c.getSatisfied()
                                    ? "<span class=\"ok\">✓</span>"
                                    : "<span class=\"no\">✗</span>")
                    .append("</td><td>")
                    .append(esc(c.getDetail()))
                    .append("</td></tr>");
        }
        html.append("</tbody></table></details>");
    }

    private static void timedTexts(
            StringBuilder html, List<AlignmentScore> scores, StreamClock clock) {
        List<AlignmentScore> texts =
                scores.stream()
                        .filter(s -> s.getSubjectKind() == SubjectKind.TIMED_TEXT)
                        .sorted(Comparator.comparingLong(AlignmentScore::getStartMicros))
                        .toList();
        if (texts.isEmpty()) {
            return;
        }
        html.append("<div class=\"card\"><h3>Timed texts checked against the frames</h3>")
                .append("<table class=\"texts\"><thead><tr><th>text</th><th>span</th>")
                .append("<th>verdict</th><th>score</th><th>decided by</th>")
                .append("<th>not grounded</th></tr></thead><tbody>");
        for (AlignmentScore t : texts) {
            html.append("<tr class=\"")
                    .append(verdictClass(t))
                    .append("\"><td>“")
                    .append(esc(t.getSubjectText()))
                    .append("” <code>")
                    .append(esc(t.getSubjectId()))
                    .append("</code></td><td>")
                    .append(clock(clock.seconds(t.getStartMicros())))
                    .append(" – ")
                    .append(clock(clock.seconds(t.getEndMicros())))
                    .append("</td><td><span class=\"verdict\" style=\"color:")
                    .append(Palette.verdict(t.getVerdict()))
                    .append("\">")
                    .append(esc(verdictName(t)))
                    .append("</span></td><td>")
                    .append(scoreMeter(t.getScore()))
                    .append("</td><td>")
                    .append(decidedBy(t))
                    .append("</td><td>")
                    .append(esc(String.join(", ", t.getUngroundedTerms())))
                    .append("</td></tr>");
        }
        html.append("</tbody></table></div>\n");
    }

    /** The terms that decided a text's verdict: each with its labels, score and whether it held. */
    private static String decidedBy(AlignmentScore t) {
        StringBuilder out = new StringBuilder();
        for (TermContribution c : t.getContributions()) {
            if (out.length() > 0) {
                out.append("<br>");
            }
            out.append(
                            c.getSatisfied()
                                    ? "<span class=\"ok\">✓</span> "
                                    : "<span class=\"no\">✗</span> ")
                    .append(esc(c.getTerm()))
                    .append(
                            c.getLabels().isEmpty()
                                    ? ""
                                    : " → " + esc(String.join(", ", c.getLabels())))
                    .append(' ')
                    .append(fmt("%.2f", c.getScore()));
        }
        return out.toString();
    }

    private static String verdictName(AlignmentScore t) {
        return t.getVerdict() == null ? "no verdict" : t.getVerdict().name();
    }

    /** {@code verdict-supported}, {@code verdict-contradicted}, {@code verdict-cannot_tell}. */
    private static String verdictClass(AlignmentScore t) {
        return "verdict-"
                + (t.getVerdict() == null
                        ? "none"
                        : t.getVerdict().name().toLowerCase(java.util.Locale.ROOT));
    }

    private static void lineage(StringBuilder html, VlstreamOutput output) {
        Map<String, ModelRef> models = new TreeMap<>();
        List<List<ModelRef>> all = new ArrayList<>();
        output.captions().forEach(c -> all.add(c.getModels()));
        output.scores().forEach(s -> all.add(s.getModels()));
        for (List<ModelRef> refs : all) {
            for (ModelRef m : refs) {
                models.putIfAbsent(
                        m.getRole() + "\u0000" + m.getId() + "\u0000" + m.getVersion(), m);
            }
        }
        if (models.isEmpty()) {
            return;
        }
        html.append("<div class=\"card\"><h3>Model lineage</h3><table class=\"lineage\"><thead>")
                .append("<tr><th>role</th><th>model</th><th>version</th></tr></thead><tbody>");
        for (ModelRef m : models.values()) {
            html.append("<tr><td>")
                    .append(esc(m.getRole()))
                    .append("</td><td><code>")
                    .append(esc(m.getId()))
                    .append("</code></td><td><code>")
                    .append(esc(m.getVersion()))
                    .append("</code></td></tr>");
        }
        html.append("</tbody></table></div>\n");
    }

    private static void deadLetters(StringBuilder html, List<DeadLetter> letters) {
        if (letters.isEmpty()) {
            return;
        }
        Map<String, Integer> byReason = new TreeMap<>();
        letters.forEach(d -> byReason.merge(d.getReason().name(), 1, Integer::sum));
        html.append("<section class=\"card\"><h3>Dead letters</h3><table><thead><tr>")
                .append("<th>reason</th><th>records</th><th>example</th></tr></thead><tbody>");
        for (Map.Entry<String, Integer> e : byReason.entrySet()) {
            DeadLetter example =
                    letters.stream()
                            .filter(d -> d.getReason().name().equals(e.getKey()))
                            .findFirst()
                            .orElseThrow();
            html.append("<tr><td><code>")
                    .append(esc(e.getKey()))
                    .append("</code></td><td class=\"num\">")
                    .append(e.getValue())
                    .append("</td><td>")
                    .append(esc(example.getMessage()))
                    .append(" <span class=\"muted\">(")
                    .append(esc(example.getSourceTopic()))
                    .append('/')
                    .append(example.getSourcePartition())
                    .append('@')
                    .append(example.getSourceOffset())
                    .append(")</span></td></tr>");
        }
        html.append("</tbody></table></section>\n");
    }

    private static final String CSS =
            """
            :root{--bg:#f4f5f8;--card:#fff;--ink:#1c1f26;--muted:#6b7280;--line:#e5e7eb;\
            --accent:#4f46e5}
            *{box-sizing:border-box}
            body{margin:0;background:var(--bg);color:var(--ink);\
            font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
            .wrap{max-width:1180px;margin:0 auto;padding:0 24px}
            header.page{background:linear-gradient(120deg,#1e1b4b,#312e81 60%,#4338ca);color:#fff;\
            padding:28px 0 24px;margin-bottom:28px}
            header.page h1{margin:0 0 4px;font-size:26px;letter-spacing:.2px}
            header.page .sub{color:#c7d2fe;margin:0 0 16px}
            .stats{display:flex;gap:12px;flex-wrap:wrap}
            .stat{background:rgba(255,255,255,.1);border:1px solid rgba(255,255,255,.18);\
            border-radius:10px;padding:8px 14px;min-width:110px}
            .stat b{display:block;font-size:22px;line-height:1.2}
            .stat span{font-size:12px;color:#c7d2fe;text-transform:uppercase;letter-spacing:.6px}
            h2{font-size:21px;margin:8px 0 0}
            h2 code{background:#e0e7ff;color:#3730a3;padding:1px 8px;border-radius:6px}
            h3{font-size:16px;margin:0 0 10px}
            .sub{color:var(--muted);margin:2px 0 14px}
            .muted{color:var(--muted)}
            .card{background:var(--card);border-radius:14px;padding:18px 20px;margin:0 0 18px;\
            box-shadow:0 1px 2px rgba(16,24,40,.06),0 4px 14px rgba(16,24,40,.05);\
            border:1px solid var(--line)}
            svg.timeline{width:100%;height:auto;display:block}
            svg.timeline .grid{stroke:#eef0f4;stroke-width:1}
            svg.timeline .axis{stroke:#9ca3af;stroke-width:1}
            svg.timeline .tick{font-size:11px;fill:#6b7280}
            svg.timeline .axis-title{font-size:11px;fill:#9ca3af}
            svg.timeline .moment-label{font-size:11px;font-weight:700}
            svg.timeline .threshold{stroke:#111827;stroke-width:1.2;stroke-dasharray:6 4;opacity:.55}
            svg.timeline .threshold-label{font-size:11px;fill:#374151;paint-order:stroke;stroke:#fff;\
            stroke-width:4px;stroke-linejoin:round}
            svg.timeline .score-line{fill:none;stroke-width:2;stroke-linejoin:round;\
            stroke-linecap:round}
            ul.legend,ul.phrases{list-style:none;margin:8px 0 0;padding:0;display:flex;gap:6px 18px;\
            flex-wrap:wrap;font-size:14px}
            .swatch{display:inline-block;width:12px;height:12px;border-radius:3px;margin-right:6px;\
            vertical-align:-1px}
            .moment-head{display:flex;align-items:center;gap:12px;flex-wrap:wrap}
            .moment-head h3{margin:0;font-variant-numeric:tabular-nums}
            .badge{color:#fff;font-weight:700;border-radius:8px;padding:2px 9px;font-size:13px}
            .score{margin-left:auto;display:inline-flex;align-items:center;gap:8px}
            .meter{display:inline-block;width:90px;height:8px;background:#e5e7eb;border-radius:4px;\
            overflow:hidden}
            .meter span{display:block;height:100%;background:linear-gradient(90deg,#f59e0b,#10b981)}
            p.caption{font-size:20px;line-height:1.45;margin:14px 0 6px;font-weight:500}
            mark{background:color-mix(in srgb,var(--c) 22%,transparent);color:inherit;\
            border-bottom:3px solid var(--c);border-radius:3px;padding:0 2px}
            .ungrounded{margin:8px 0 0;color:var(--muted);font-size:14px}
            .chip{display:inline-block;background:#fef3c7;color:#92400e;border-radius:999px;\
            padding:0 10px;font-size:13px;margin-left:2px}
            .evidence-grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));\
            gap:14px;margin:14px 0 6px}
            figure{margin:0;background:#0f172a;border-radius:10px;overflow:hidden}
            svg.evidence{display:block;width:100%;height:auto}
            svg.evidence .box{fill:none;stroke-width:3;vector-effect:non-scaling-stroke}
            svg.evidence .box-halo{fill:none;stroke:rgba(0,0,0,.55);stroke-width:6;\
            vector-effect:non-scaling-stroke}
            svg.evidence .tag text{fill:#0b0b0f;font-weight:700;\
            font-family:system-ui,"DejaVu Sans",sans-serif}
            svg.evidence .no-image{fill:#334155}
            svg.evidence .no-image-text{fill:#cbd5e1}
            figcaption{color:#e2e8f0;font-size:13px;padding:6px 10px;\
            font-variant-numeric:tabular-nums}
            details{margin-top:10px}
            summary{cursor:pointer;color:var(--accent);font-weight:600;font-size:14px}
            table{border-collapse:collapse;width:100%;font-size:14px;margin-top:8px}
            th{text-align:left;color:var(--muted);font-weight:600;font-size:12px;\
            text-transform:uppercase;letter-spacing:.5px;border-bottom:1px solid var(--line);\
            padding:6px 8px}
            td{border-bottom:1px solid #f1f2f5;padding:6px 8px;vertical-align:top}
            td.num{text-align:right;font-variant-numeric:tabular-nums}
            .ok{color:#059669;font-weight:700}.no{color:#dc2626;font-weight:700}
            code{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.9em}
            section.stream{margin-bottom:34px}
            footer{color:var(--muted);font-size:12px;padding:8px 24px 32px}
            .empty{color:var(--muted);font-size:18px}
            """;
}
