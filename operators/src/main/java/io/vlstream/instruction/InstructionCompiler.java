package io.vlstream.instruction;

import io.vlstream.avro.ModelRef;
import io.vlstream.avro.internal.CompiledQuery;
import io.vlstream.avro.internal.QueryRelation;
import io.vlstream.avro.internal.QueryTerm;
import io.vlstream.avro.internal.SpatialRelation;
import io.vlstream.model.CocoLabels;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compiles a natural-language instruction ("tell me when two people walk near a parked van") into a
 * query over detector labels: object terms with counts, spatial relations between them, and the
 * words it could not ground.
 *
 * <p>A small rule-based reader, not a parser: noun phrases are [quantifier] [modifiers] noun, where
 * the noun (or a two-word compound) is whatever {@link LabelLexicon} grounds; a relation joins the
 * grounded term just before its words to the one just after. Every content word that is not part of
 * a term, count or relation is reported in {@code ungroundedWords}; only function words and
 * instruction scaffolding ("tell me when", "show", "frames") are skipped. Thread-safe.
 */
public final class InstructionCompiler {

    private static final Pattern TOKEN =
            Pattern.compile("[\\p{L}\\p{N}]+(?:['’\\-][\\p{L}\\p{N}]+)*");

    private static final Map<String, Integer> NUMBER_WORDS =
            Map.ofEntries(
                    Map.entry("zero", 0),
                    Map.entry("one", 1),
                    Map.entry("two", 2),
                    Map.entry("three", 3),
                    Map.entry("four", 4),
                    Map.entry("five", 5),
                    Map.entry("six", 6),
                    Map.entry("seven", 7),
                    Map.entry("eight", 8),
                    Map.entry("nine", 9),
                    Map.entry("ten", 10),
                    Map.entry("eleven", 11),
                    Map.entry("twelve", 12),
                    Map.entry("dozen", 12),
                    Map.entry("thirteen", 13),
                    Map.entry("fourteen", 14),
                    Map.entry("fifteen", 15),
                    Map.entry("sixteen", 16),
                    Map.entry("seventeen", 17),
                    Map.entry("eighteen", 18),
                    Map.entry("nineteen", 19),
                    Map.entry("twenty", 20));

    private static final Set<String> ARTICLES =
            Set.of(
                    "a", "an", "the", "any", "some", "every", "each", "all", "this", "that",
                    "these", "those", "single", "another");

    /** Function words and instruction scaffolding: skipped without being reported. */
    private static final Set<String> SKIPPED =
            Set.of(
                    "is",
                    "are",
                    "was",
                    "were",
                    "be",
                    "been",
                    "being",
                    "am",
                    "do",
                    "does",
                    "did",
                    "has",
                    "have",
                    "had",
                    "having",
                    "will",
                    "would",
                    "can",
                    "could",
                    "should",
                    "shall",
                    "may",
                    "might",
                    "must",
                    "please",
                    "tell",
                    "me",
                    "us",
                    "let",
                    "know",
                    "show",
                    "find",
                    "alert",
                    "notify",
                    "detect",
                    "spot",
                    "flag",
                    "report",
                    "give",
                    "list",
                    "highlight",
                    "mark",
                    "capture",
                    "locate",
                    "identify",
                    "look",
                    "see",
                    "watch",
                    "when",
                    "whenever",
                    "where",
                    "wherever",
                    "which",
                    "what",
                    "who",
                    "whom",
                    "whose",
                    "if",
                    "while",
                    "as",
                    "and",
                    "or",
                    "but",
                    "then",
                    "of",
                    "in",
                    "at",
                    "to",
                    "for",
                    "from",
                    "into",
                    "onto",
                    "with",
                    "within",
                    "during",
                    "it",
                    "its",
                    "they",
                    "them",
                    "their",
                    "he",
                    "she",
                    "his",
                    "her",
                    "i",
                    "my",
                    "we",
                    "our",
                    "you",
                    "your",
                    "there",
                    "here",
                    "frame",
                    "frames",
                    "scene",
                    "scenes",
                    "video",
                    "videos",
                    "clip",
                    "clips",
                    "image",
                    "images",
                    "picture",
                    "pictures",
                    "footage",
                    "camera",
                    "moment",
                    "moments",
                    "shot",
                    "shots",
                    "time",
                    "times",
                    "view",
                    "visible",
                    "seen",
                    "appear",
                    "appears",
                    "appearing",
                    "present",
                    "shown",
                    "shows",
                    "showing",
                    "contain",
                    "contains",
                    "containing",
                    "both",
                    "also",
                    "too",
                    "just",
                    "only",
                    "somewhere",
                    "anywhere",
                    "on",
                    "by",
                    "s");

    /** Relation words; "on" and "by" are too often mere prepositions to report when unattached. */
    private static final List<RelationWords> RELATIONS =
            List.of(
                    rel(SpatialRelation.LEFT_OF, "to the left of"),
                    rel(SpatialRelation.LEFT_OF, "on the left of"),
                    rel(SpatialRelation.LEFT_OF, "at the left of"),
                    rel(SpatialRelation.LEFT_OF, "left of"),
                    rel(SpatialRelation.RIGHT_OF, "to the right of"),
                    rel(SpatialRelation.RIGHT_OF, "on the right of"),
                    rel(SpatialRelation.RIGHT_OF, "at the right of"),
                    rel(SpatialRelation.RIGHT_OF, "right of"),
                    rel(SpatialRelation.ABOVE, "on top of"),
                    rel(SpatialRelation.NEAR, "next to"),
                    rel(SpatialRelation.NEAR, "close to"),
                    rel(SpatialRelation.NEAR, "near to"),
                    rel(SpatialRelation.NEAR, "adjacent to"),
                    rel(SpatialRelation.NEAR, "near"),
                    rel(SpatialRelation.NEAR, "nearby"),
                    rel(SpatialRelation.NEAR, "beside"),
                    rel(SpatialRelation.NEAR, "besides"),
                    rel(SpatialRelation.NEAR, "alongside"),
                    rel(SpatialRelation.NEAR, "by"),
                    rel(SpatialRelation.ABOVE, "above"),
                    rel(SpatialRelation.ABOVE, "over"),
                    rel(SpatialRelation.ABOVE, "atop"),
                    rel(SpatialRelation.ABOVE, "on"),
                    rel(SpatialRelation.BELOW, "below"),
                    rel(SpatialRelation.BELOW, "under"),
                    rel(SpatialRelation.BELOW, "underneath"),
                    rel(SpatialRelation.BELOW, "beneath"),
                    // Relations the scorer cannot check from 2-D boxes: reported, never dropped.
                    rel(null, "in front of"),
                    rel(null, "behind"),
                    rel(null, "between"),
                    rel(null, "inside"),
                    rel(null, "across from"),
                    rel(null, "opposite"),
                    rel(null, "far from"),
                    rel(null, "away from"));

    /** Quantifiers; "#" stands for a number. Longest first. */
    private static final List<Quantifier> QUANTIFIERS =
            List.of(
                    q("no more than #", Count.AT_MOST),
                    q("not more than #", Count.AT_MOST),
                    q("no fewer than #", Count.AT_LEAST),
                    q("no less than #", Count.AT_LEAST),
                    q("not fewer than #", Count.AT_LEAST),
                    q("not less than #", Count.AT_LEAST),
                    q("at least #", Count.AT_LEAST),
                    q("at most #", Count.AT_MOST),
                    q("more than #", Count.MORE_THAN),
                    q("greater than #", Count.MORE_THAN),
                    q("fewer than #", Count.FEWER_THAN),
                    q("less than #", Count.FEWER_THAN),
                    q("up to #", Count.AT_MOST),
                    q("# or more", Count.AT_LEAST),
                    q("# or fewer", Count.AT_MOST),
                    q("# or less", Count.AT_MOST),
                    q("exactly #", Count.EXACTLY),
                    q("only #", Count.EXACTLY),
                    q("just #", Count.EXACTLY),
                    q("over #", Count.MORE_THAN),
                    q("above #", Count.MORE_THAN),
                    q("under #", Count.FEWER_THAN),
                    q("below #", Count.FEWER_THAN),
                    q("a couple of", Count.fixed(2)),
                    q("a pair of", Count.fixed(2)),
                    q("a few", Count.fixed(2)),
                    q("several", Count.fixed(2)),
                    q("multiple", Count.fixed(2)),
                    q("many", Count.fixed(2)),
                    q("none of", Count.NONE),
                    q("no", Count.NONE),
                    q("zero", Count.NONE),
                    q("without", Count.NONE),
                    q("#", Count.AT_LEAST));

    /** Skipped words that end a noun phrase, so a count before them is not carried over. */
    private static final Set<String> PHRASE_BREAKERS =
            Set.of(
                    "and",
                    "or",
                    "but",
                    "when",
                    "whenever",
                    "while",
                    "with",
                    "if",
                    "where",
                    "then",
                    "is",
                    "are",
                    "was",
                    "were");

    private static final Set<String> NEGATORS = Set.of("not", "never");

    private final LabelLexicon lexicon;
    private final ModelRef model;

    /**
     * A compiler over the built-in detector's COCO-80 labels (tools and tests; the job passes its
     * detector's).
     */
    public InstructionCompiler() {
        this(LabelLexicon.coco());
    }

    /** A compiler over the given lexicon's labels. */
    public InstructionCompiler(LabelLexicon lexicon) {
        this.lexicon = lexicon;
        String labels =
                lexicon.labels().equals(CocoLabels.LABELS)
                        ? "coco80"
                        : lexicon.labels().size() + "-labels";
        this.model = new ModelRef("lexicon", "wordnet-" + labels, LabelLexicon.VERSION);
    }

    /** The lexicon's lineage, for the {@code models} field of every record this feeds. */
    public ModelRef model() {
        return ModelRef.newBuilder(model).build();
    }

    /**
     * Compiles the text. Never throws: text with nothing groundable gives a query with no terms and
     * every content word in {@code ungroundedWords}.
     */
    public CompiledQuery compile(String text) {
        List<Token> tokens = tokenize(text == null ? "" : text);
        try {
            return new Reader(text, tokens).read();
        } catch (RuntimeException e) {
            // A bug here must not take the job down: report everything as ungrounded instead.
            Set<String> words = new LinkedHashSet<>();
            for (Token token : tokens) {
                if (!SKIPPED.contains(token.lower) && !ARTICLES.contains(token.lower)) {
                    words.add(token.text);
                }
            }
            return query(List.of(), List.of(), new ArrayList<>(words));
        }
    }

    private CompiledQuery query(
            List<QueryTerm> terms, List<QueryRelation> relations, List<String> ungrounded) {
        return CompiledQuery.newBuilder()
                .setTerms(terms)
                .setRelations(relations)
                .setUngroundedWords(ungrounded)
                .setModels(List.of(model()))
                .build();
    }

    /** One pass over the tokens of one instruction. */
    private final class Reader {
        private final String text;
        private final List<Token> tokens;
        private final List<QueryTerm> terms = new ArrayList<>();
        private final List<QueryRelation> relations = new ArrayList<>();

        /** Ungrounded words and phrases, with the token where each starts, to keep text order. */
        private final Map<String, Integer> ungrounded = new LinkedHashMap<>();

        /** Start token of the noun phrase being read, or -1. */
        private int phraseStart = -1;

        /** The words of a quantifier not yet used by a noun, e.g. "at least 3". */
        private String quantifierText;

        private int minCount = 1;
        private Integer maxCount;
        private boolean negated;
        private boolean notPending;
        private int notToken = -1;

        /** A relation waiting for its object term. */
        private PendingRelation pendingRelation;

        Reader(String text, List<Token> tokens) {
            this.text = text;
            this.tokens = tokens;
        }

        CompiledQuery read() {
            int i = 0;
            while (i < tokens.size()) {
                i = step(i);
            }
            closeDanglingPhrase();
            closeDanglingNot();
            if (pendingRelation != null) {
                unattached(pendingRelation);
            }
            List<String> words = new ArrayList<>(ungrounded.keySet());
            words.sort(Comparator.comparing(ungrounded::get));
            return query(terms, relations, words);
        }

        private int step(int i) {
            String word = tokens.get(i).lower;
            if (word.equals("nobody") || word.equals("noone")) {
                addTerm(i, i, i, lexicon.labelsFor("person"), true);
                return i + 1;
            }
            if (word.equals("no") && matches(i, "no one") && !matches(i, "no one of")) {
                startPhrase(i);
                addTerm(i, i, i + 1, lexicon.labelsFor("person"), true);
                return i + 2;
            }
            for (Quantifier quantifier : QUANTIFIERS) {
                int end = quantifier.match(tokens, i);
                if (end > i) {
                    applyQuantifier(i, quantifier, end);
                    return end;
                }
            }
            for (RelationWords relation : RELATIONS) {
                if (matches(i, relation.words)) {
                    int end = i + relation.length();
                    relationWords(relation, i, end);
                    return end;
                }
            }
            if (NEGATORS.contains(word) || word.endsWith("n't") || word.endsWith("n’t")) {
                notPending = true;
                notToken = i;
                return i + 1;
            }
            if (ARTICLES.contains(word)) {
                startPhrase(i);
                return i + 1;
            }
            if (SKIPPED.contains(word)) {
                if (PHRASE_BREAKERS.contains(word)) {
                    closeDanglingPhrase();
                }
                return i + 1;
            }
            if (i + 1 < tokens.size() && isContent(tokens.get(i + 1).lower)) {
                String compound = word + " " + tokens.get(i + 1).lower;
                if (lexicon.isNoun(compound)) {
                    List<String> labels = lexicon.labelsFor(compound);
                    if (!labels.isEmpty()) {
                        addTerm(phraseStart < 0 ? i : phraseStart, i, i + 1, labels, false);
                    } else {
                        ungroundedNoun(i, i + 1);
                    }
                    return i + 2;
                }
            }
            List<String> labels = lexicon.labelsFor(word);
            if (!labels.isEmpty()) {
                addTerm(phraseStart < 0 ? i : phraseStart, i, i, labels, false);
            } else if (looksLikeHead(i)) {
                ungroundedNoun(i, i);
            } else {
                ungroundedWord(i);
            }
            return i + 1;
        }

        /**
         * Whether an ungrounded word ends a noun phrase ("two trees and a car": the count belongs
         * to the trees), rather than modifying the noun after it ("two parked cars").
         */
        private boolean looksLikeHead(int i) {
            String word = tokens.get(i).lower;
            if (word.endsWith("ing") || word.endsWith("ed") || !lexicon.isNoun(word)) {
                return false;
            }
            return i + 1 >= tokens.size() || !isContent(tokens.get(i + 1).lower);
        }

        /** A noun with no label: reported, and any count before it was about it. */
        private void ungroundedNoun(int from, int to) {
            closeDanglingNot();
            report(text(from, to), from);
            resetPhrase();
        }

        private boolean isContent(String word) {
            return !SKIPPED.contains(word)
                    && !ARTICLES.contains(word)
                    && !NUMBER_WORDS.containsKey(word)
                    && !word.chars().allMatch(Character::isDigit)
                    && !NEGATORS.contains(word)
                    && RELATIONS.stream().noneMatch(r -> r.words.get(0).equals(word));
        }

        private void startPhrase(int i) {
            if (phraseStart < 0) {
                phraseStart = i;
            }
        }

        private void applyQuantifier(int start, Quantifier quantifier, int end) {
            closeDanglingPhrase();
            startPhrase(start);
            quantifierText = text(start, end - 1);
            int number = quantifier.number(tokens, start);
            Count count = quantifier.count;
            if (count == Count.NONE || (count == Count.AT_LEAST && number == 0)) {
                negated = true;
                minCount = 0;
                maxCount = 0;
                return;
            }
            switch (count.kind) {
                case AT_LEAST -> minCount = number;
                case MORE_THAN -> minCount = number + 1;
                case AT_MOST -> {
                    minCount = 0;
                    maxCount = number;
                }
                case FEWER_THAN -> {
                    minCount = 0;
                    maxCount = Math.max(0, number - 1);
                }
                case EXACTLY -> {
                    minCount = number;
                    maxCount = number;
                }
                case FIXED -> minCount = count.value;
                default -> {}
            }
            if (maxCount != null && maxCount == 0) {
                negated = true;
            }
        }

        private void relationWords(RelationWords relation, int start, int end) {
            String phrase = text(start, end - 1);
            closeDanglingPhrase();
            if (pendingRelation != null) {
                unattached(pendingRelation);
            }
            boolean notted = notPending;
            if (notted) {
                phrase = text(notToken, end - 1);
                notPending = false;
            }
            pendingRelation =
                    new PendingRelation(
                            relation.relation,
                            relation.words,
                            phrase,
                            notted ? notToken : start,
                            terms.size() - 1,
                            notted);
        }

        private void addTerm(
                int start, int headStart, int end, List<String> labels, boolean alwaysNegated) {
            boolean neg = negated || alwaysNegated;
            if (notPending) {
                neg = true;
                start = Math.min(start, notToken);
                notPending = false;
            }
            int min = neg ? 0 : minCount;
            Integer max = neg ? Integer.valueOf(0) : maxCount;
            QueryTerm term =
                    QueryTerm.newBuilder()
                            .setPhrase(text(start, end))
                            .setHead(text(headStart, end))
                            .setLabels(labels)
                            .setMinCount(min)
                            .setMaxCount(max)
                            .setNegated(neg)
                            .build();
            terms.add(term);
            resetPhrase();
            if (pendingRelation != null) {
                attach(pendingRelation, terms.size() - 1);
                pendingRelation = null;
            }
        }

        private void attach(PendingRelation pending, int object) {
            int subject = pending.subject;
            if (subject < 0
                    || pending.relation == null
                    || pending.negated
                    || terms.get(subject).getNegated()
                    || terms.get(object).getNegated()) {
                unattached(pending);
                return;
            }
            relations.add(
                    QueryRelation.newBuilder()
                            .setSubject(subject)
                            .setRelation(pending.relation)
                            .setObject(object)
                            .setPhrase(pending.phrase)
                            .build());
        }

        private void unattached(PendingRelation pending) {
            List<String> words = pending.words;
            if (words.size() == 1 && (words.get(0).equals("on") || words.get(0).equals("by"))) {
                return;
            }
            report(pending.phrase, pending.token);
        }

        private void ungroundedWord(int i) {
            closeDanglingNot();
            report(tokens.get(i).text, i);
        }

        private void report(String words, int token) {
            ungrounded.putIfAbsent(words, token);
        }

        /** A quantifier or article that never reached a noun: its words are reported. */
        private void closeDanglingPhrase() {
            if (quantifierText != null) {
                report(quantifierText, phraseStart);
            }
            resetPhrase();
        }

        private void closeDanglingNot() {
            if (notPending) {
                report(tokens.get(notToken).text, notToken);
                notPending = false;
            }
        }

        private void resetPhrase() {
            phraseStart = -1;
            minCount = 1;
            maxCount = null;
            negated = false;
            quantifierText = null;
        }

        private boolean matches(int i, String words) {
            return matches(i, List.of(words.split(" ")));
        }

        private boolean matches(int i, List<String> words) {
            if (i + words.size() > tokens.size()) {
                return false;
            }
            for (int k = 0; k < words.size(); k++) {
                if (!tokens.get(i + k).lower.equals(words.get(k))) {
                    return false;
                }
            }
            return true;
        }

        /** The original text from token {@code from} through token {@code to}, inclusive. */
        private String text(int from, int to) {
            return text.substring(tokens.get(from).start, tokens.get(to).end);
        }
    }

    private static List<Token> tokenize(String text) {
        List<Token> tokens = new ArrayList<>();
        Matcher matcher = TOKEN.matcher(text);
        while (matcher.find()) {
            String raw = matcher.group();
            int end = matcher.end();
            String lower = raw.toLowerCase(Locale.ROOT);
            // Possessive: "person's" is the person.
            if (lower.endsWith("'s") || lower.endsWith("’s")) {
                end -= 2;
                raw = raw.substring(0, raw.length() - 2);
                lower = lower.substring(0, lower.length() - 2);
            }
            tokens.add(new Token(raw, lower, matcher.start(), end));
        }
        return tokens;
    }

    private static Integer number(String word) {
        if (word.chars().allMatch(Character::isDigit) && word.length() <= 6) {
            return Integer.parseInt(word);
        }
        return NUMBER_WORDS.get(word);
    }

    private static RelationWords rel(SpatialRelation relation, String words) {
        return new RelationWords(relation, List.of(words.split(" ")));
    }

    private static Quantifier q(String pattern, Count count) {
        return new Quantifier(List.of(pattern.split(" ")), count);
    }

    private record Token(String text, String lower, int start, int end) {}

    private record RelationWords(SpatialRelation relation, List<String> words) {
        int length() {
            return words.size();
        }
    }

    private record PendingRelation(
            SpatialRelation relation,
            List<String> words,
            String phrase,
            int token,
            int subject,
            boolean negated) {}

    /** How a quantifier constrains the count. */
    private enum Kind {
        AT_LEAST,
        MORE_THAN,
        AT_MOST,
        FEWER_THAN,
        EXACTLY,
        FIXED,
        NONE
    }

    private record Count(Kind kind, int value) {
        static final Count AT_LEAST = new Count(Kind.AT_LEAST, 0);
        static final Count MORE_THAN = new Count(Kind.MORE_THAN, 0);
        static final Count AT_MOST = new Count(Kind.AT_MOST, 0);
        static final Count FEWER_THAN = new Count(Kind.FEWER_THAN, 0);
        static final Count EXACTLY = new Count(Kind.EXACTLY, 0);
        static final Count NONE = new Count(Kind.NONE, 0);

        static Count fixed(int value) {
            return new Count(Kind.FIXED, value);
        }
    }

    private record Quantifier(List<String> words, Count count) {
        /** The token after the match, or {@code start} when it does not match. */
        int match(List<Token> tokens, int start) {
            if (start + words.size() > tokens.size()) {
                return start;
            }
            for (int k = 0; k < words.size(); k++) {
                String token = tokens.get(start + k).lower;
                String expected = words.get(k);
                if (expected.equals("#")
                        ? InstructionCompiler.number(token) == null
                        : !expected.equals(token)) {
                    return start;
                }
            }
            return start + words.size();
        }

        int number(List<Token> tokens, int start) {
            int index = words.indexOf("#");
            return index < 0 ? 0 : InstructionCompiler.number(tokens.get(start + index).lower);
        }
    }
}
