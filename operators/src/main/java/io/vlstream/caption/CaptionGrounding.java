package io.vlstream.caption;

import io.vlstream.avro.GroundedPhrase;
import io.vlstream.avro.Region;
import io.vlstream.instruction.LabelLexicon;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Grounds a caption written by a model (a VLM or a SavedModel captioner) in the regions selection
 * found: each word (or two-word compound) that the lexicon maps onto a label of the regions the
 * grounded template named becomes a phrase tied to those regions. Words it cannot tie to a region
 * stay plain text: nothing is grounded by guess.
 */
public final class CaptionGrounding {

    private static final Pattern WORD = Pattern.compile("[\\p{L}][\\p{L}'-]*");

    private final LabelLexicon lexicon;

    public CaptionGrounding(LabelLexicon lexicon) {
        this.lexicon = lexicon;
    }

    /**
     * The phrases of {@code text}, anchored in it, tied to the regions of {@code template}'s
     * phrases (the grounded template's caption of the same moment).
     */
    public List<GroundedPhrase> ground(String text, List<GroundedPhrase> template) {
        Map<String, List<Region>> regionsByLabel = new LinkedHashMap<>();
        for (GroundedPhrase phrase : template) {
            for (Region region : phrase.getRegions()) {
                regionsByLabel
                        .computeIfAbsent(region.getLabel(), l -> new ArrayList<>())
                        .add(region);
            }
        }
        List<GroundedPhrase> phrases = new ArrayList<>();
        List<int[]> words = new ArrayList<>();
        Matcher m = WORD.matcher(text);
        while (m.find()) {
            words.add(new int[] {m.start(), m.end()});
        }
        for (int i = 0; i < words.size(); i++) {
            // A two-word compound ("traffic light", "cell phone") wins over its parts.
            if (i + 1 < words.size()) {
                GroundedPhrase pair =
                        phrase(text, words.get(i)[0], words.get(i + 1)[1], regionsByLabel);
                if (pair != null) {
                    phrases.add(pair);
                    i++;
                    continue;
                }
            }
            GroundedPhrase single = phrase(text, words.get(i)[0], words.get(i)[1], regionsByLabel);
            if (single != null) {
                phrases.add(single);
            }
        }
        return phrases;
    }

    private GroundedPhrase phrase(
            String text, int start, int end, Map<String, List<Region>> regionsByLabel) {
        String words = text.substring(start, end);
        if (words.contains(" ") && !lexicon.isNoun(words.toLowerCase())) {
            return null;
        }
        List<Region> regions = new ArrayList<>();
        for (String label : lexicon.labelsFor(words.toLowerCase())) {
            regions.addAll(regionsByLabel.getOrDefault(label, List.of()));
        }
        return regions.isEmpty() ? null : new GroundedPhrase(words, start, end, regions);
    }
}
