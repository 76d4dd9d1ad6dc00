package io.vlstream.texts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Subtitle and label files as people write them, and as they break. */
class TimedTextFileTest {

    @TempDir Path dir;

    private TimedTextFile.Parsed read(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return TimedTextFile.read(file, TextFormat.ofFile(file).orElseThrow(), 1 << 20);
    }

    @Test
    void subRipCuesKeepTheirNumberTimesAndTextWithoutMarkup() throws IOException {
        TimedTextFile.Parsed parsed =
                read(
                        "lobby.srt",
                        "\uFEFF1\r\n00:00:01,000 --> 00:00:03,500\r\nA person walks in.\r\n\r\n"
                                + "2\n00:01:02,250 --> 00:01:04,000\n<i>Two people</i>\nnear the"
                                + " van &amp; a bike\n\n"
                                + "3\n00:00:05 --> 00:00:06,000\nno milliseconds\n");

        assertThat(parsed.spans()).hasSize(3);
        TextSpan first = parsed.spans().get(0);
        assertThat(first.id()).isEqualTo("1");
        assertThat(first.startMicros()).isEqualTo(1_000_000);
        assertThat(first.endMicros()).isEqualTo(3_500_000);
        assertThat(first.text()).isEqualTo("A person walks in.");
        assertThat(first.line()).isEqualTo(2);
        TextSpan second = parsed.spans().get(1);
        assertThat(second.startMicros()).isEqualTo(62_250_000);
        assertThat(second.text()).isEqualTo("Two people\nnear the van & a bike");
        assertThat(parsed.spans().get(2).startMicros()).isEqualTo(5_000_000);
        assertThat(parsed.problems()).isEmpty();
    }

    @Test
    void webVttSkipsNotesAndStylesReadsCueIdsShortTimesAndSettings() throws IOException {
        TimedTextFile.Parsed parsed =
                read(
                        "talk.vtt",
                        "WEBVTT - a talk\n\nNOTE written by hand\n\nSTYLE\n::cue { color: red }\n\n"
                                + "intro\n00:01.000 --> 00:02.500 align:start line:0\n"
                                + "<v Bob>Hello</v> <00:01.500>there\n\n"
                                + "01:00:00.000 --> 01:00:01.000\nan hour in\n");

        assertThat(parsed.problems()).isEmpty();
        assertThat(parsed.spans())
                .extracting(
                        TextSpan::id, TextSpan::startMicros, TextSpan::endMicros, TextSpan::text)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "intro", 1_000_000L, 2_500_000L, "Hello there"),
                        org.assertj.core.groups.Tuple.tuple(
                                null, 3_600_000_000L, 3_601_000_000L, "an hour in"));
    }

    @Test
    void aBrokenCueIsAProblemNamingItsLineAndTheOthersAreStillRead() throws IOException {
        TimedTextFile.Parsed parsed =
                read(
                        "broken.srt",
                        "1\n00:00:01,000 --> 00:00:02,000\nfine\n\n"
                                + "2\n00:00:99,000 --> 00:00:03,000\nbad seconds\n\n"
                                + "3\njust text, no timing\n\n"
                                + "4\n00:00:04,000 --> 00:00:05,000\nfine too\n");

        assertThat(parsed.spans()).extracting(TextSpan::text).containsExactly("fine", "fine too");
        assertThat(parsed.problems())
                .hasSize(2)
                .anySatisfy(p -> assertThat(p).startsWith("line 6:").contains("out of range"))
                .anySatisfy(p -> assertThat(p).startsWith("line 9:").contains("timing line"));
        assertThat(read("no-header.vtt", "00:01.000 --> 00:02.000\nx\n").problems())
                .singleElement()
                .asString()
                .contains("must start with WEBVTT");
    }

    @Test
    void csvLabelsTakeSecondsOrClockTimesQuotedTextAndOptionalColumns() throws IOException {
        TimedTextFile.Parsed parsed =
                read(
                        "labels.csv",
                        "Start,End,Text,id,kind\n"
                                + "1.5,3,\"a person, walking\",lbl-1,label\n"
                                + "00:00:04.000,00:00:06.250,a van,,\n"
                                + "7,x,no end,,\n");

        assertThat(parsed.spans())
                .extracting(
                        TextSpan::startMicros, TextSpan::endMicros, TextSpan::text, TextSpan::id)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                1_500_000L, 3_000_000L, "a person, walking", "lbl-1"),
                        org.assertj.core.groups.Tuple.tuple(4_000_000L, 6_250_000L, "a van", null));
        assertThat(parsed.problems())
                .singleElement()
                .asString()
                .startsWith("line 4:")
                .contains("'x' is not a time");
        assertThat(read("bad.csv", "begin,end,text\n1,2,x\n").problems())
                .singleElement()
                .asString()
                .contains("no 'start' column");
    }

    @Test
    void jsonLabelsAreAnArrayOfObjects() throws IOException {
        TimedTextFile.Parsed parsed =
                read(
                        "labels.json",
                        "[{\"start\": 1.5, \"end\": \"00:00:03.000\", \"text\": \"a dog\", \"id\":"
                                + " 7},\n {\"start\": 4, \"end\": 5},\n {\"start\": 6, \"end\": 7,"
                                + " \"text\": \"a cat\", \"kind\": \"asr\"}]");

        assertThat(parsed.spans())
                .extracting(TextSpan::text, TextSpan::id, TextSpan::kind, TextSpan::startMicros)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("a dog", "7", null, 1_500_000L),
                        org.assertj.core.groups.Tuple.tuple("a cat", null, "asr", 6_000_000L));
        assertThat(parsed.problems()).singleElement().asString().startsWith("line 2:");
        assertThat(read("object.json", "{\"start\": 1}").problems())
                .singleElement()
                .asString()
                .contains("expected a JSON array");
        assertThat(read("cut.json", "[{\"start\": 1,").problems())
                .singleElement()
                .asString()
                .contains("not valid JSON");
    }

    @Test
    void aFileOverTheLimitOrNotUtf8IsRefusedBeforeParsing() throws IOException {
        Path big = dir.resolve("big.srt");
        Files.write(big, new byte[2048]);
        assertThatThrownBy(() -> TimedTextFile.read(big, TextFormat.SRT, 1024))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("the limit is 1024");
        Path latin1 = dir.resolve("latin1.srt");
        Files.write(latin1, new byte[] {'1', '\n', (byte) 0xE9, '\n'});
        assertThatThrownBy(() -> TimedTextFile.read(latin1, TextFormat.SRT, 1024))
                .hasMessageContaining("not UTF-8");
    }
}
