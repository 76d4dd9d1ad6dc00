package io.vlstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's configuration table is the one generated from {@link VlstreamOptions}. */
class ReadmeConfigurationTest {

    private static final String BEGIN = "<!-- options:begin -->\n";
    private static final String END = "<!-- options:end -->";

    @Test
    void readmeTableListsEveryOptionWithItsDefault() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int begin = readme.indexOf(BEGIN);
        int end = readme.indexOf(END);
        assertThat(begin).as("README has the options markers").isNotNegative();
        assertThat(readme.substring(begin + BEGIN.length(), end))
                .as("README table; regenerate with ./vlstream options")
                .isEqualTo(VlstreamOptions.markdownTable());
    }

    @Test
    void everyOptionHasADescriptionAndAVlstreamKey() {
        assertThat(VlstreamOptions.all())
                .isNotEmpty()
                .allSatisfy(
                        o -> {
                            assertThat(o.key()).startsWith("vlstream.");
                            assertThat(o.description().getBlocks()).isNotEmpty();
                        });
    }
}
