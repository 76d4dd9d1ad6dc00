package io.vlstream.instruction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StreamGlobTest {

    private static boolean matches(String glob, String id) {
        return StreamGlob.compile(glob).matches(id);
    }

    @Test
    void literalsMatchOnlyTheWholeId() {
        assertThat(matches("lobby-1", "lobby-1")).isTrue();
        assertThat(matches("lobby-1", "lobby-2")).isFalse();
        assertThat(matches("lobby-1", "lobby-10")).isFalse();
        assertThat(matches("lobby-1", "lobby-")).isFalse();
        assertThat(matches("lobby-1", "xlobby-1")).isFalse();
        assertThat(matches("a,b}", "a,b}")).as("',' and '}' outside a group").isTrue();
    }

    @Test
    void starMatchesAnySequenceIncludingEmptyAndSlash() {
        assertThat(matches("lobby-*", "lobby-")).isTrue();
        assertThat(matches("lobby-*", "lobby-12")).isTrue();
        assertThat(matches("lobby-*", "lobby-east/cam-1")).isTrue();
        assertThat(matches("lobby-*", "hall-1")).isFalse();
        assertThat(matches("*", "")).isTrue();
        assertThat(matches("*", "site/floor/cam")).isTrue();
        assertThat(matches("*-cam-*", "a/b-cam-c/d")).isTrue();
        assertThat(matches("a*b*c", "abc")).isTrue();
        assertThat(matches("a*b*c", "axxbyyc")).isTrue();
        assertThat(matches("a*b*c", "axxbyy")).isFalse();
        assertThat(matches("a**b", "ab")).isTrue();
    }

    @Test
    void questionMarkMatchesOneCodePoint() {
        assertThat(matches("cam-?", "cam-1")).isTrue();
        assertThat(matches("cam-?", "cam-😀")).as("one non-BMP code point").isTrue();
        assertThat(matches("cam-??", "cam-😀")).as("not two UTF-16 chars").isFalse();
        assertThat(matches("cam-?", "cam-")).isFalse();
        assertThat(matches("cam-?", "cam-12")).isFalse();
        assertThat(matches("cam-?", "cam-/")).isTrue();
        assertThat(matches("😀-*", "😀-door")).as("non-BMP literal in the glob").isTrue();
    }

    @Test
    void classesMatchRangesNegationAndLiteralBracketAndDash() {
        assertThat(matches("cam-[0-9]", "cam-7")).isTrue();
        assertThat(matches("cam-[0-9]", "cam-x")).isFalse();
        assertThat(matches("[a-cx]1", "x1")).isTrue();
        assertThat(matches("[a-cx]1", "d1")).isFalse();
        assertThat(matches("[!a-c]1", "d1")).isTrue();
        assertThat(matches("[!a-c]1", "b1")).isFalse();
        assertThat(matches("[^a-c]1", "d1")).as("'^' negates too").isTrue();
        assertThat(matches("[^a-c]1", "b1")).isFalse();
        assertThat(matches("[]a]", "]")).as("']' first is literal").isTrue();
        assertThat(matches("[]a]", "a")).isTrue();
        assertThat(matches("[!]a]", "]")).isFalse();
        assertThat(matches("[!]a]", "b")).isTrue();
        assertThat(matches("[-a]", "-")).as("'-' first is literal").isTrue();
        assertThat(matches("[a-]", "-")).as("'-' last is literal").isTrue();
        assertThat(matches("[a-]", "b")).isFalse();
        assertThat(matches("[!-]", "-")).isFalse();
        assertThat(matches("[*?{]", "{")).as("wildcards are literal in a class").isTrue();
        assertThat(matches("[*?{]", "a")).isFalse();
        assertThat(matches("[😀-😎]", "😃")).as("ranges over code points").isTrue();
        assertThat(matches("[😀-😎]", "😏")).isFalse();
        assertThat(matches("[!a]", "😏")).isTrue();
        assertThat(matches("[a/]", "/")).isTrue();
    }

    @Test
    void alternativesMayHoldWildcardsAndBeEmpty() {
        StreamGlob glob = StreamGlob.compile("{lobby,hall-*,door?}");
        assertThat(glob.matches("lobby")).isTrue();
        assertThat(glob.matches("hall-")).isTrue();
        assertThat(glob.matches("hall-east/2")).isTrue();
        assertThat(glob.matches("door7")).isTrue();
        assertThat(glob.matches("door")).isFalse();
        assertThat(glob.matches("door77")).isFalse();
        assertThat(glob.matches("lobby2")).isFalse();
        assertThat(glob.matches("hall")).isFalse();

        assertThat(matches("cam{,-1}", "cam")).as("empty alternative").isTrue();
        assertThat(matches("cam{,-1}", "cam-1")).isTrue();
        assertThat(matches("cam{,-1}", "cam-2")).isFalse();
        assertThat(matches("cam{-1,}", "cam")).isTrue();
        assertThat(matches("x{}", "x")).isTrue();
        assertThat(matches("{a,b}{c,d}", "bc")).isTrue();
        assertThat(matches("{a,b}{c,d}", "cb")).isFalse();
        assertThat(matches("{[0-9],x*}-cam", "7-cam")).isTrue();
        assertThat(matches("{[0-9],x*}-cam", "xyz-cam")).isTrue();
        assertThat(matches("{[0-9],x*}-cam", "y-cam")).isFalse();
    }

    @Test
    void backslashEscapesAnyCharacter() {
        assertThat(matches("\\*", "*")).isTrue();
        assertThat(matches("\\*", "a")).isFalse();
        assertThat(matches("a\\?b", "a?b")).isTrue();
        assertThat(matches("a\\?b", "axb")).isFalse();
        assertThat(matches("\\[x]", "[x]")).isTrue();
        assertThat(matches("\\{a,b\\}", "{a,b}")).isTrue();
        assertThat(matches("{a\\,b,c}", "a,b")).isTrue();
        assertThat(matches("{a\\,b,c}", "a")).isFalse();
        assertThat(matches("{a\\}b}", "a}b")).isTrue();
        assertThat(matches("[\\]x]", "]")).as("escape inside a class").isTrue();
        assertThat(matches("[a\\-c]", "-")).isTrue();
        assertThat(matches("[a\\-c]", "b")).isFalse();
        assertThat(matches("\\\\", "\\")).isTrue();
        assertThat(matches("\\a", "a")).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "lobby[ab         | unclosed '[' at 5",
                "[]               | unclosed '[' at 0",
                "[!]              | unclosed '[' at 0",
                "{a,[b}           | unclosed '[' at 3",
                "{a,b}-{c,{d}}    | nested '{' at 9",
                "{a,b             | unclosed '{' at 0",
                "x-{a,b\\}        | unclosed '{' at 2",
                "ab\\             | dangling '\\' at end (position 2)",
                "[a\\             | dangling '\\' at end (position 2)",
                "[z-a]            | invalid range 'z-a' at 1",
                "[a-c-e]          | ambiguous '-' after a range at 4",
            })
    void rejectsMalformedGlobsNamingProblemAndPosition(String glob, String message) {
        assertThatThrownBy(() -> StreamGlob.compile(glob))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void countsWildcards() {
        assertThat(StreamGlob.compile("lobby-1").wildcards()).isZero();
        assertThat(StreamGlob.compile("").wildcards()).isZero();
        assertThat(StreamGlob.compile("\\*\\?\\[a]").wildcards()).isZero();
        assertThat(StreamGlob.compile("*").wildcards()).isEqualTo(1);
        assertThat(StreamGlob.compile("***").wildcards()).as("'**' collapses").isEqualTo(1);
        assertThat(StreamGlob.compile("*-*").wildcards()).isEqualTo(2);
        assertThat(StreamGlob.compile("cam-?[0-9]").wildcards()).isEqualTo(2);
        assertThat(StreamGlob.compile("{a,b*,c?}").wildcards()).isEqualTo(3);
        assertThat(StreamGlob.compile("*a".repeat(14) + "*b").wildcards()).isEqualTo(15);
    }

    @Test
    void nullAndEmptyIds() {
        assertThat(matches("*", null)).isFalse();
        assertThat(matches("", null)).isFalse();
        assertThat(matches("*", "")).isTrue();
        assertThat(matches("", "")).isTrue();
        assertThat(matches("{,a}", "")).isTrue();
        assertThat(matches("?", "")).isFalse();
        assertThat(matches("a", "")).isFalse();
        assertThat(matches("", "a")).isFalse();
    }

    @Test
    void idsWithNulAndControlCharactersMatchPlainly() {
        assertThat(matches("cam-?", "cam-\0")).isTrue();
        assertThat(matches("cam-*", "cam-\0\u0007\n\r\t")).isTrue();
        assertThat(matches("cam", "cam\0")).isFalse();
        assertThat(matches("lobby-*", "\0lobby-1")).isFalse();
        assertThat(matches("a\0b", "a\0b")).as("NUL literal in the glob").isTrue();
        assertThat(matches("[\0-\u001f]", "\u0007")).isTrue();
        assertThat(matches("cam-?", "cam-\uD800")).as("unpaired surrogate").isTrue();
        assertThat(matches("cam-?", "cam-\uDC00x")).isFalse();
    }

    @Test
    void pathologicalGlobFailsInLinearTime() {
        StreamGlob glob = StreamGlob.compile("*a".repeat(14) + "*b");
        String id = "a".repeat(4000);
        assertTimeoutPreemptively(
                Duration.ofSeconds(2), () -> assertThat(glob.matches(id)).isFalse());
    }

    @Test
    void pathologicalGlobMatchesInLinearTime() {
        StreamGlob glob = StreamGlob.compile("*a".repeat(14) + "*");
        String id = "a".repeat(4000);
        assertTimeoutPreemptively(
                Duration.ofSeconds(2), () -> assertThat(glob.matches(id)).isTrue());
    }

    @Test
    void pathologicalAlternativesStayLinear() {
        StreamGlob glob = StreamGlob.compile("{*a,a*,?}".repeat(20) + "b");
        String id = "a".repeat(4000);
        assertTimeoutPreemptively(
                Duration.ofSeconds(2), () -> assertThat(glob.matches(id)).isFalse());
    }

    // Ordinary globs without '/' or '\' must keep the meaning they had under the JDK's matcher.
    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "lobby-*              | lobby-3       | true",
                "lobby-*              | hall-3        | false",
                "*                    | anything      | true",
                "*-cam                | door-cam      | true",
                "*-cam                | door-cam-2    | false",
                "cam-?                | cam-1         | true",
                "cam-?                | cam-12        | false",
                "cam-??               | cam-12        | true",
                "[abc]x               | bx            | true",
                "[abc]x               | dx            | false",
                "[a-c]*               | cat           | true",
                "[!a-c]*              | dog           | true",
                "[!a-c]*              | cat           | false",
                "[a-]                 | -             | true",
                "[-a]                 | a             | true",
                "[0-9][0-9]           | 42            | true",
                "[0-9][0-9]           | 4x            | false",
                "[a-z]*[0-9]          | lobby7        | true",
                "{lobby,hall}-*       | hall-7        | true",
                "{lobby,hall}-*       | door-7        | false",
                "{lobby,hall-*,door?} | door1         | true",
                "{lobby,hall-*,door?} | hall-         | true",
                "{lobby,hall-*,door?} | door12        | false",
                "cam{,-1}             | cam           | true",
                "cam{,-1}             | cam-1         | true",
                "{a,b}{c,d}           | bd            | true",
                "a.b                  | a.b           | true",
                "a.b                  | axb           | false",
                "a+b(c)$              | a+b(c)$       | true",
                "x^y&z!               | x^y&z!        | true",
                "a,b}                 | a,b}          | true",
                "**x                  | abx           | true",
                "*a*a*b               | aab           | true",
                "*a*a*b               | ab            | false",
                "Cam-*                | cam-1         | false",
            })
    void agreesWithTheJdkOnOrdinaryGlobs(String glob, String id, boolean expected) {
        boolean jdk = FileSystems.getDefault().getPathMatcher("glob:" + glob).matches(Path.of(id));
        assertThat(jdk).as("JDK").isEqualTo(expected);
        assertThat(matches(glob, id)).isEqualTo(expected);
    }

    @Test
    void equalityAndTextFollowTheSource() {
        StreamGlob glob = StreamGlob.compile("lobby-*");
        assertThat(glob).isEqualTo(StreamGlob.compile("lobby-*"));
        assertThat(glob).hasSameHashCodeAs(StreamGlob.compile("lobby-*"));
        assertThat(glob).isNotEqualTo(StreamGlob.compile("lobby-**"));
        assertThat(glob.glob()).isEqualTo("lobby-*");
        assertThat(glob).hasToString("lobby-*");
    }

    @Test
    void survivesJavaSerialization() throws Exception {
        StreamGlob glob = StreamGlob.compile("{lobby,hall-*}[0-9]");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(glob);
        }
        Object copy;
        try (ObjectInputStream in =
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = in.readObject();
        }
        assertThat(copy).isInstanceOf(StreamGlob.class).isEqualTo(glob);
        assertThat(((StreamGlob) copy).matches("hall-east3")).isTrue();
        assertThat(((StreamGlob) copy).matches("door3")).isFalse();
        assertThat(((StreamGlob) copy).wildcards()).isEqualTo(3);
    }
}
