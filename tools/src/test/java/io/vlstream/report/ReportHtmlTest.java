package io.vlstream.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.avro.EvidenceFrame;
import io.vlstream.avro.GroundedCaption;
import io.vlstream.avro.GroundedPhrase;
import io.vlstream.output.RealVtestOutput;
import io.vlstream.output.VlstreamOutput;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The report's HTML: self-contained, complete, and safe with hostile text in the data. */
class ReportHtmlTest {

    static final HtmlReport.Options OPTIONS =
            new HtmlReport.Options("vlstream report", "test", RealVtestOutput.THRESHOLD);

    @Test
    void isSelfContainedWithEveryEvidenceImageAndBoxInline() {
        VlstreamOutput output = RealVtestOutput.get();

        String html = HtmlReport.render(output, OPTIONS);

        assertThat(html).doesNotContainIgnoringCase("http:").doesNotContainIgnoringCase("https:");
        assertThat(html).doesNotContain("<script").doesNotContain("<link").doesNotContain("url(");
        assertThat(count(html, "<image href=\"data:image/jpeg;base64,"))
                .isEqualTo(evidenceWithImages(output));
        assertThat(count(html, "<rect class=\"box\"")).isEqualTo(expectedBoxes(output));
        assertThat(count(html, "class=\"moment-span\"")).isEqualTo(output.moments().size());
        assertThat(html)
                .contains("class=\"threshold\"")
                .contains(String.format("threshold %.2f", RealVtestOutput.THRESHOLD));
        assertThat(html).contains("class=\"score-line\"");
        for (GroundedCaption m : output.moments()) {
            for (GroundedPhrase p : m.getPhrases()) {
                assertThat(html).contains(">" + p.getText() + "</mark>");
            }
        }
        assertThat(html).contains("a person next to a van").contains("label-2");
        assertThat(html).contains("coco").contains("Model lineage").contains("TRUNCATED_IMAGE");
    }

    @Test
    void timedTextsAreOnTheTimelineAndInTheTableColouredByVerdictWithTheTermsThatDecided() {
        VlstreamOutput output = RealVtestOutput.get();
        List<io.vlstream.avro.AlignmentScore> texts =
                output.scores().stream()
                        .filter(s -> s.getSubjectKind() == io.vlstream.avro.SubjectKind.TIMED_TEXT)
                        .toList();
        long contradicted =
                texts.stream()
                        .filter(t -> t.getVerdict() == io.vlstream.avro.Verdict.CONTRADICTED)
                        .count();
        assertThat(contradicted).isPositive().isLessThan(texts.size());

        String html = HtmlReport.render(output, OPTIONS);

        assertThat(count(html, "<rect class=\"text-span ")).isEqualTo(texts.size());
        assertThat(count(html, "<rect class=\"text-span verdict-contradicted\""))
                .isEqualTo(contradicted);
        assertThat(count(html, "<tr class=\"verdict-contradicted\">")).isEqualTo(contradicted);
        assertThat(count(html, "<tr class=\"verdict-supported\">"))
                .isEqualTo(texts.size() - contradicted);
        // The dog text was decided by its unmet term.
        assertThat(html).contains("<span class=\"no\">✗</span> dog → dog 0.00");
        assertThat(html).contains(">CONTRADICTED</span>").contains(">SUPPORTED</span>");
    }

    @Test
    void escapesTextThatComesFromData() {
        GroundedCaption m = RealVtestOutput.get().moments().get(0);
        String hostile = "<script>alert('x')</script> & \"van\"";
        String caption = hostile + " " + m.getCaption();
        List<GroundedPhrase> phrases = new ArrayList<>();
        for (GroundedPhrase p : m.getPhrases()) {
            int shift = hostile.length() + 1;
            phrases.add(
                    GroundedPhrase.newBuilder(p)
                            .setCharStart(p.getCharStart() + shift)
                            .setCharEnd(p.getCharEnd() + shift)
                            .build());
        }
        GroundedCaption evil =
                GroundedCaption.newBuilder(m)
                        .setCaption(caption)
                        .setPhrases(phrases)
                        .setInstructionText("</style><img src=x onerror=alert(1)>")
                        .setUngroundedTerms(List.of("<b>bold</b>"))
                        .build();

        String html =
                HtmlReport.render(new VlstreamOutput(List.of(evil), List.of(), List.of()), OPTIONS);

        assertThat(html)
                .doesNotContain("<script")
                .doesNotContain("<img")
                .doesNotContain("<b>bold")
                .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;van&quot;")
                .contains("&lt;/style&gt;&lt;img src=x onerror=alert(1)&gt;");
        // The phrases are still highlighted at their shifted positions.
        for (GroundedPhrase p : m.getPhrases()) {
            assertThat(html).contains(">" + p.getText() + "</mark>");
        }
    }

    @Test
    void saysSoWhenThereIsNothingToShow() {
        String html =
                HtmlReport.render(new VlstreamOutput(List.of(), List.of(), List.of()), OPTIONS);

        assertThat(html).contains("No captions or scores in this output.");
    }

    static int evidenceWithImages(VlstreamOutput output) {
        int n = 0;
        for (GroundedCaption m : output.moments()) {
            for (EvidenceFrame e : m.getEvidence()) {
                n += e.getImage() != null ? 1 : 0;
            }
        }
        return n;
    }

    static int expectedBoxes(VlstreamOutput output) {
        int n = 0;
        for (GroundedCaption m : output.moments()) {
            for (EvidenceFrame e : m.getEvidence()) {
                n += HtmlReport.boxesOn(e.getFrameSequence(), m.getPhrases()).size();
            }
        }
        return n;
    }

    static int count(String text, String needle) {
        Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
