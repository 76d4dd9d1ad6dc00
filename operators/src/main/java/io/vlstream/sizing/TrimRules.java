package io.vlstream.sizing;

import io.vlstream.avro.EvidenceFrame;
import io.vlstream.avro.TermContribution;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/** The limits and cuts {@link CaptionTrimming} and {@link ScoreTrimming} share. */
final class TrimRules {

    /** The list caps of the list stage, one step each, largest first. */
    static final int[] LIST_CAPS = {64, 16, 4, 1};

    /** The longest text (in UTF-16 chars, the ellipsis included) the text stage leaves. */
    static final int MAX_TEXT_CHARS = 1000;

    /** Appended to a text that was cut. */
    static final String ELLIPSIS = "…";

    /** The {@code trimmed} entry of the text stage. */
    static final String TEXTS_ENTRY = "texts cut to " + MAX_TEXT_CHARS + " characters";

    /** The order evidence is left out in: least relevant first, and of equals the later first. */
    static final Comparator<EvidenceFrame> LEAST_RELEVANT_FIRST =
            Comparator.comparingDouble((EvidenceFrame e) -> e.getRelevance())
                    .thenComparing(
                            Comparator.comparingLong((EvidenceFrame e) -> e.getPtsMicros())
                                    .reversed());

    private TrimRules() {}

    /** The indices of {@code evidence}, in the order its frames are left out. */
    static List<Integer> leastRelevantFirst(List<EvidenceFrame> evidence) {
        List<Integer> order = new ArrayList<>(evidence.size());
        for (int i = 0; i < evidence.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparing(evidence::get, LEAST_RELEVANT_FIRST));
        return order;
    }

    /** The {@code cap} most relevant frames of {@code evidence}, in their original order. */
    static List<EvidenceFrame> mostRelevant(List<EvidenceFrame> evidence, int cap) {
        if (evidence.size() <= cap) {
            return new ArrayList<>(evidence);
        }
        List<Integer> order = leastRelevantFirst(evidence);
        boolean[] keep = new boolean[evidence.size()];
        for (int i = order.size() - cap; i < order.size(); i++) {
            keep[order.get(i)] = true;
        }
        List<EvidenceFrame> kept = new ArrayList<>(cap);
        for (int i = 0; i < evidence.size(); i++) {
            if (keep[i]) {
                kept.add(evidence.get(i));
            }
        }
        return kept;
    }

    /** The first {@code cap} entries of {@code list}, in a new list. */
    static <E> List<E> first(List<E> list, int cap) {
        return new ArrayList<>(list.subList(0, Math.min(cap, list.size())));
    }

    /**
     * Records in {@code cut} that the list {@code name} of {@code size} entries is cut at {@code
     * cap} (for lists nested in others, the largest of them).
     */
    static void noteCut(Map<String, Integer> cut, String name, int size, int cap) {
        if (size > cap) {
            cut.merge(name, size, Math::max);
        }
    }

    /**
     * The first {@code cap} contributions, each with at most {@code cap} regions and labels.
     * Changes the contributions themselves: pass copies.
     */
    static List<TermContribution> capContributions(
            List<TermContribution> contributions, int cap, Map<String, Integer> cut) {
        noteCut(cut, "contributions", contributions.size(), cap);
        List<TermContribution> kept = first(contributions, cap);
        for (TermContribution contribution : kept) {
            noteCut(cut, "contribution regions", contribution.getRegions().size(), cap);
            noteCut(cut, "contribution labels", contribution.getLabels().size(), cap);
            contribution.setRegions(first(contribution.getRegions(), cap));
            contribution.setLabels(first(contribution.getLabels(), cap));
        }
        return kept;
    }

    /** Whether capping {@code contributions} at {@code cap} leaves anything out. */
    static boolean cutsContributions(List<TermContribution> contributions, int cap) {
        if (contributions.size() > cap) {
            return true;
        }
        for (TermContribution contribution : contributions) {
            if (contribution.getRegions().size() > cap || contribution.getLabels().size() > cap) {
                return true;
            }
        }
        return false;
    }

    /** Whether a term or detail of the first {@code count} contributions is too long. */
    static boolean contributionTextTooLong(List<TermContribution> contributions, int count) {
        for (TermContribution contribution :
                contributions.subList(0, Math.min(count, contributions.size()))) {
            if (tooLong(contribution.getTerm()) || tooLong(contribution.getDetail())) {
                return true;
            }
        }
        return false;
    }

    /** Cuts each contribution's term and detail. Changes the contributions: pass copies. */
    static void cutContributionTexts(List<TermContribution> contributions) {
        for (TermContribution contribution : contributions) {
            contribution.setTerm(cut(contribution.getTerm()));
            contribution.setDetail(cut(contribution.getDetail()));
        }
    }

    /** Whether the text stage would cut {@code text}. */
    static boolean tooLong(String text) {
        return text != null && text.length() > MAX_TEXT_CHARS;
    }

    /**
     * How many chars of {@code text} the text stage keeps before its ellipsis (all if it is not too
     * long); never splits a surrogate pair.
     */
    static int keptLength(String text) {
        if (!tooLong(text)) {
            return text == null ? 0 : text.length();
        }
        int keep = MAX_TEXT_CHARS - ELLIPSIS.length();
        return Character.isHighSurrogate(text.charAt(keep - 1)) ? keep - 1 : keep;
    }

    /**
     * {@code text} cut to {@link #MAX_TEXT_CHARS} with an ellipsis, or as it is if short enough.
     */
    static String cut(String text) {
        return tooLong(text) ? text.substring(0, keptLength(text)) + ELLIPSIS : text;
    }

    /**
     * The {@code trimmed} entry of a list cap: "lists cut to at most 16 entries (phrases 40, ...)".
     */
    static String listsEntry(int cap, Map<String, Integer> cut) {
        StringJoiner lists = new StringJoiner(", ", " (", ")");
        cut.forEach((name, size) -> lists.add(name + " " + size));
        return "lists cut to at most " + cap + (cap == 1 ? " entry" : " entries") + lists;
    }

    /** The {@code trimmed} entry of the image stage: "evidence images: 2 of 3 removed". */
    static String imagesEntry(int removed, int withImages) {
        return "evidence images: " + removed + " of " + withImages + " removed";
    }
}
