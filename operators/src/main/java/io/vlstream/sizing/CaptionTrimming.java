package io.vlstream.sizing;

import io.vlstream.avro.EvidenceFrame;
import io.vlstream.avro.GroundedCaption;
import io.vlstream.avro.GroundedPhrase;
import io.vlstream.avro.TermContribution;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a {@link GroundedCaption} too large for its sink is trimmed, in three stages, each step
 * leaving out more than the one before:
 *
 * <ol>
 *   <li><b>Evidence images.</b> Step k removes the images of the k+1 least relevant evidence frames
 *       that have one (of equally relevant frames, the later first). The frames stay, with their
 *       pts, relevance and size. {@code trimmed} gets "evidence images: 2 of 3 removed".
 *   <li><b>Long lists</b> (all images removed). Each further step caps every list at 64, then 16, 4
 *       and 1 entries: {@code phrases} and each phrase's {@code regions}, {@code evidence} (the
 *       most relevant frames are kept), {@code contributions} and each one's {@code regions} and
 *       {@code labels}, and {@code ungroundedTerms}; the other lists keep their first entries.
 *       {@code models} is never cut, so lineage stays. {@code trimmed} gets "lists cut to at most
 *       16 entries (phrases 40, evidence 32, contributions 200)", naming the lists that were cut
 *       and their original sizes (for the lists inside phrases and contributions, the longest
 *       one's).
 *   <li><b>Texts</b> (all images removed, lists at their last cap). One last step cuts {@code
 *       caption}, {@code instructionText} and each contribution's {@code term} and {@code detail}
 *       to at most 1,000 characters, the last one "…"; phrases that end past the kept part of the
 *       caption are dropped. {@code trimmed} gets "texts cut to 1000 characters".
 * </ol>
 *
 * A step that would leave out nothing more than the one before (a list cap no list exceeds, texts
 * already short) is skipped; after the last step there is nothing more to leave out. Every step
 * starts from the original record, and its {@code trimmed} (after any entries the record already
 * had) describes all it left out, in stage order.
 */
public final class CaptionTrimming implements Trimming<GroundedCaption> {

    private static final long serialVersionUID = 1L;

    /** What one step leaves out: images of the least relevant frames, a list cap, the texts. */
    private record Step(int imagesRemoved, int listCap, boolean texts) {}

    /** Step {@code step} of the policy above applied to a copy of {@code record}, or null. */
    @Override
    public GroundedCaption trim(GroundedCaption record, int step) {
        if (step < 0) {
            throw new IllegalArgumentException("Trimming steps start at 0, not " + step);
        }
        List<Step> steps = steps(record);
        return step < steps.size() ? apply(record, steps.get(step)) : null;
    }

    /** The steps this record has, in order: a pure function of the record. */
    private static List<Step> steps(GroundedCaption record) {
        List<Step> steps = new ArrayList<>();
        int images = withImages(record.getEvidence());
        for (int removed = 1; removed <= images; removed++) {
            steps.add(new Step(removed, 0, false));
        }
        int lastCap = Integer.MAX_VALUE;
        for (int cap : TrimRules.LIST_CAPS) {
            if (cutsLists(record, cap)) {
                steps.add(new Step(images, cap, false));
                lastCap = cap;
            }
        }
        if (textTooLong(record, lastCap)) {
            steps.add(new Step(images, lastCap == Integer.MAX_VALUE ? 0 : lastCap, true));
        }
        return steps;
    }

    private static int withImages(List<EvidenceFrame> evidence) {
        int count = 0;
        for (EvidenceFrame frame : evidence) {
            if (frame.getImage() != null) {
                count++;
            }
        }
        return count;
    }

    private static boolean cutsLists(GroundedCaption record, int cap) {
        if (record.getPhrases().size() > cap
                || record.getEvidence().size() > cap
                || record.getUngroundedTerms().size() > cap
                || TrimRules.cutsContributions(record.getContributions(), cap)) {
            return true;
        }
        for (GroundedPhrase phrase : record.getPhrases()) {
            if (phrase.getRegions().size() > cap) {
                return true;
            }
        }
        return false;
    }

    /** Whether a text the text stage cuts is too long, with lists capped at {@code cap}. */
    private static boolean textTooLong(GroundedCaption record, int cap) {
        return TrimRules.tooLong(record.getCaption())
                || TrimRules.tooLong(record.getInstructionText())
                || TrimRules.contributionTextTooLong(record.getContributions(), cap);
    }

    private static GroundedCaption apply(GroundedCaption record, Step step) {
        // A deep copy, so the input is never changed and the parts below can be changed in place.
        GroundedCaption copy = GroundedCaption.newBuilder(record).build();
        List<String> trimmed = new ArrayList<>(record.getTrimmed());

        List<EvidenceFrame> evidence = new ArrayList<>(copy.getEvidence());
        if (step.imagesRemoved() > 0) {
            int removed = 0;
            for (int i : TrimRules.leastRelevantFirst(evidence)) {
                if (removed == step.imagesRemoved()) {
                    break;
                }
                if (evidence.get(i).getImage() != null) {
                    evidence.get(i).setImage(null);
                    removed++;
                }
            }
            trimmed.add(TrimRules.imagesEntry(removed, withImages(record.getEvidence())));
        }

        List<GroundedPhrase> phrases = new ArrayList<>(copy.getPhrases());
        List<TermContribution> contributions = new ArrayList<>(copy.getContributions());
        List<String> ungrounded = new ArrayList<>(copy.getUngroundedTerms());
        int cap = step.listCap();
        if (cap > 0) {
            Map<String, Integer> cut = new LinkedHashMap<>();
            TrimRules.noteCut(cut, "phrases", phrases.size(), cap);
            phrases = TrimRules.first(phrases, cap);
            for (GroundedPhrase phrase : phrases) {
                TrimRules.noteCut(cut, "phrase regions", phrase.getRegions().size(), cap);
                phrase.setRegions(TrimRules.first(phrase.getRegions(), cap));
            }
            TrimRules.noteCut(cut, "evidence", evidence.size(), cap);
            evidence = TrimRules.mostRelevant(evidence, cap);
            contributions = TrimRules.capContributions(contributions, cap, cut);
            TrimRules.noteCut(cut, "ungroundedTerms", ungrounded.size(), cap);
            ungrounded = TrimRules.first(ungrounded, cap);
            trimmed.add(TrimRules.listsEntry(cap, cut));
        }

        if (step.texts()) {
            String caption = copy.getCaption();
            int kept = TrimRules.keptLength(caption);
            phrases.removeIf(phrase -> phrase.getCharEnd() > kept);
            copy.setCaption(TrimRules.cut(caption));
            copy.setInstructionText(TrimRules.cut(copy.getInstructionText()));
            TrimRules.cutContributionTexts(contributions);
            trimmed.add(TrimRules.TEXTS_ENTRY);
        }

        copy.setEvidence(evidence);
        copy.setPhrases(phrases);
        copy.setContributions(contributions);
        copy.setUngroundedTerms(ungrounded);
        copy.setTrimmed(trimmed);
        return copy;
    }
}
