package io.vlstream.report;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;

/** Escaping and small formatting helpers for the report's HTML and SVG. */
final class Html {

    private static final Set<String> IMAGE_TYPES =
            Set.of("image/jpeg", "image/png", "image/gif", "image/webp");

    private Html() {}

    /** Text or attribute value made safe for HTML and SVG: captions and labels come from data. */
    static String esc(CharSequence text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    // Control characters (other than tab and newlines) are not allowed in HTML.
                    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                        out.append('\uFFFD');
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** A {@code data:} URL of an encoded image; unknown media types are treated as JPEG. */
    static String dataUrl(String mediaType, ByteBuffer bytes) {
        String type =
                mediaType != null && IMAGE_TYPES.contains(mediaType.toLowerCase(Locale.ROOT))
                        ? mediaType.toLowerCase(Locale.ROOT)
                        : "image/jpeg";
        ByteBuffer copy = bytes.duplicate();
        byte[] data = new byte[copy.remaining()];
        copy.get(data);
        return "data:" + type + ";base64," + Base64.getEncoder().encodeToString(data);
    }

    /** A number for SVG coordinates: fixed decimals, always a dot. */
    static String num(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    /** {@code m:ss.s} from seconds. */
    static String clock(double seconds) {
        double s = Math.max(0, seconds);
        int minutes = (int) (s / 60);
        return fmt("%d:%04.1f", minutes, s - minutes * 60);
    }
}
