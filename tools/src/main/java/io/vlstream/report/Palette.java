package io.vlstream.report;

import java.util.List;

/**
 * Colours of the report: one per caption phrase (its boxes, its highlight) and one per instruction
 * (its score line, its moments). Saturated, distinct hues that stand out on video frames, which are
 * mostly greys and browns.
 */
public final class Palette {

    /** Phrase and box colours, in order of first use. */
    public static final List<String> PHRASES =
            List.of(
                    "#ff2d55", // pink-red
                    "#00b7ff", // sky blue
                    "#ffcc00", // yellow
                    "#34c759", // green
                    "#af52de", // purple
                    "#ff9500", // orange
                    "#00e5c3", // teal
                    "#ff6fcf"); // pink

    /** Instruction line colours, in order of first use. */
    public static final List<String> INSTRUCTIONS =
            List.of("#4f46e5", "#e11d48", "#0d9488", "#d97706", "#7c3aed", "#0284c7");

    /** A timed text's verdict colour: green supported, red contradicted, grey cannot tell. */
    public static String verdict(io.vlstream.avro.Verdict verdict) {
        if (verdict == null) {
            return "#94a3b8";
        }
        return switch (verdict) {
            case SUPPORTED -> "#059669";
            case CONTRADICTED -> "#dc2626";
            case CANNOT_TELL -> "#94a3b8";
        };
    }

    private Palette() {}

    public static String phrase(int index) {
        return PHRASES.get(Math.floorMod(index, PHRASES.size()));
    }

    public static String instruction(int index) {
        return INSTRUCTIONS.get(Math.floorMod(index, INSTRUCTIONS.size()));
    }

    /** {@code #rrggbb} as an RGB int. */
    public static int rgb(String hex) {
        return Integer.parseInt(hex.substring(1), 16);
    }
}
