package io.vlstream.caption;

import java.util.Map;

/** English noun phrases for detector labels: "a truck", "an umbrella", "2 people". */
final class LabelNouns {

    private static final Map<String, String> IRREGULAR_PLURALS =
            Map.of(
                    "person", "people",
                    "mouse", "mice",
                    "knife", "knives",
                    "sheep", "sheep",
                    "broccoli", "broccoli",
                    "tv", "TVs");

    /** Labels that name a pair of things; counted as pairs. */
    private static final Map<String, String> PAIRS = Map.of("skis", "skis", "scissors", "scissors");

    private LabelNouns() {}

    /** "a truck", "an umbrella", "2 people", "a pair of skis". */
    static String counted(String label, int count) {
        String noun = singular(label);
        if (PAIRS.containsKey(label)) {
            return count == 1 ? "a pair of " + label : count + " pairs of " + label;
        }
        if (count == 1) {
            return article(noun) + " " + noun;
        }
        return count + " " + plural(label);
    }

    /** The plural of a label: "people", "buses", "wine glasses". */
    static String plural(String label) {
        if (PAIRS.containsKey(label)) {
            return label;
        }
        String irregular = IRREGULAR_PLURALS.get(label);
        if (irregular != null) {
            return irregular;
        }
        int space = label.lastIndexOf(' ');
        String head = label.substring(space + 1);
        String prefix = label.substring(0, space + 1);
        irregular = IRREGULAR_PLURALS.get(head);
        if (irregular != null) {
            return prefix + irregular;
        }
        if (head.endsWith("s")
                || head.endsWith("x")
                || head.endsWith("z")
                || head.endsWith("ch")
                || head.endsWith("sh")) {
            return label + "es";
        }
        if (head.endsWith("y") && head.length() > 1 && !isVowel(head.charAt(head.length() - 2))) {
            return label.substring(0, label.length() - 1) + "ies";
        }
        return label + "s";
    }

    private static String singular(String label) {
        return label.equals("tv") ? "TV" : label;
    }

    private static String article(String noun) {
        if (noun.equals("TV")) {
            return "a";
        }
        return isVowel(noun.charAt(0)) ? "an" : "a";
    }

    private static boolean isVowel(char c) {
        return "aeiou".indexOf(Character.toLowerCase(c)) >= 0;
    }
}
