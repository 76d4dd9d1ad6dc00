package io.vlstream.sizing;

import io.vlstream.avro.AlignmentScore;
import io.vlstream.avro.EvidenceFrame;
import io.vlstream.avro.TermContribution;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How an {@link AlignmentScore} too large for its sink is trimmed, in two stages, each step leaving
 * out more than the one before (scores carry no evidence images):
 *
 * <ol>
 *   <li><b>Long lists.</b> Each step caps every list at 64, then 16, 4 and 1 entries: {@code
 *       contributions} and each one's {@code regions} and {@code labels}, {@code evidence} (the
 *       most relevant frames are kept) and {@code ungroundedTerms}; the other lists keep their
 *       first entries. {@code models} is never cut, so lineage stays. {@code trimmed} gets "lists
 *       cut to at most 16 entries (contributions 5000, evidence 32)", naming the lists that were
 *       cut and their original sizes (for the lists inside contributions, the longest one's).
 *   <li><b>Texts</b> (lists at their last cap). One last step cuts {@code subjectText} and each
 *       contribution's {@code term} and {@code detail} to at most 1,000 characters, the last one
 *       "…". {@code trimmed} gets "texts cut to 1000 characters".
 * </ol>
 *
 * A step that would leave out nothing more than the one before is skipped; after the last step
 * there is nothing more to leave out. Every step starts from the original record, and its {@code
 * trimmed} (after any entries the record already had) describes all it left out, in stage order.
 */
public final class ScoreTrimming implements Trimming<AlignmentScore> {

    private static final long serialVersionUID = 1L;

    /** What one step leaves out: a list cap (0: none), the texts. */
    private record Step(int listCap, boolean texts) {}

    /** Step {@code step} of the policy above applied to a copy of {@code record}, or null. */
    @Override
    public AlignmentScore trim(AlignmentScore record, int step) {
        if (step < 0) {
            throw new IllegalArgumentException("Trimming steps start at 0, not " + step);
        }
        List<Step> steps = steps(record);
        return step < steps.size() ? apply(record, steps.get(step)) : null;
    }

    /** The steps this record has, in order: a pure function of the record. */
    private static List<Step> steps(AlignmentScore record) {
        List<Step> steps = new ArrayList<>();
        int lastCap = Integer.MAX_VALUE;
        for (int cap : TrimRules.LIST_CAPS) {
            if (cutsLists(record, cap)) {
                steps.add(new Step(cap, false));
                lastCap = cap;
            }
        }
        if (TrimRules.tooLong(record.getSubjectText())
                || TrimRules.contributionTextTooLong(record.getContributions(), lastCap)) {
            steps.add(new Step(lastCap == Integer.MAX_VALUE ? 0 : lastCap, true));
        }
        return steps;
    }

    private static boolean cutsLists(AlignmentScore record, int cap) {
        return record.getEvidence().size() > cap
                || record.getUngroundedTerms().size() > cap
                || TrimRules.cutsContributions(record.getContributions(), cap);
    }

    private static AlignmentScore apply(AlignmentScore record, Step step) {
        // A deep copy, so the input is never changed and the parts below can be changed in place.
        AlignmentScore copy = AlignmentScore.newBuilder(record).build();
        List<String> trimmed = new ArrayList<>(record.getTrimmed());
        List<TermContribution> contributions = new ArrayList<>(copy.getContributions());
        List<EvidenceFrame> evidence = new ArrayList<>(copy.getEvidence());
        List<String> ungrounded = new ArrayList<>(copy.getUngroundedTerms());

        int cap = step.listCap();
        if (cap > 0) {
            Map<String, Integer> cut = new LinkedHashMap<>();
            contributions = TrimRules.capContributions(contributions, cap, cut);
            TrimRules.noteCut(cut, "evidence", evidence.size(), cap);
            evidence = TrimRules.mostRelevant(evidence, cap);
            TrimRules.noteCut(cut, "ungroundedTerms", ungrounded.size(), cap);
            ungrounded = TrimRules.first(ungrounded, cap);
            trimmed.add(TrimRules.listsEntry(cap, cut));
        }

        if (step.texts()) {
            copy.setSubjectText(TrimRules.cut(copy.getSubjectText()));
            TrimRules.cutContributionTexts(contributions);
            trimmed.add(TrimRules.TEXTS_ENTRY);
        }

        copy.setContributions(contributions);
        copy.setEvidence(evidence);
        copy.setUngroundedTerms(ungrounded);
        copy.setTrimmed(trimmed);
        return copy;
    }
}
