package io.vlstream.model.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/served-vlm.md lists every setting with its real default. */
class ChatEndpointDocTest {

    @Test
    void everyOptionHasARowWithItsDefault() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("..", "docs", "served-vlm.md"));

        for (ChatEndpoint.Option option : ChatEndpoint.Option.values()) {
            String prefix = "| `" + option.key() + "` | ";
            List<String> rows = lines.stream().filter(l -> l.startsWith(prefix)).toList();
            assertThat(rows).as("row of %s", option.key()).hasSize(1);
            String cell = rows.get(0).substring(prefix.length()).split(" \\| ", 2)[0];
            if (option.defaultValue() == null) {
                assertThat(cell).as("default of %s", option.key()).startsWith("(");
            } else {
                assertThat(cell)
                        .as("default of %s", option.key())
                        .isEqualTo("`" + option.defaultValue() + "`");
            }
        }
    }
}
