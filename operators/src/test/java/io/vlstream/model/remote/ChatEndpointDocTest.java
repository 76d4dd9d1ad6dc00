package io.vlstream.model.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.util.TimeUtils;
import org.junit.jupiter.api.Test;

/** docs/served-vlm.md lists every setting with its real default. */
class ChatEndpointDocTest {

    @Test
    void everyOptionHasARowWithItsDefault() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("..", "docs", "served-vlm.md"));

        for (ConfigOption<?> option : ChatEndpointOptions.all()) {
            String prefix = "| `" + option.key() + "` | ";
            List<String> rows = lines.stream().filter(l -> l.startsWith(prefix)).toList();
            assertThat(rows).as("row of %s", option.key()).hasSize(1);
            String cell = rows.get(0).substring(prefix.length()).split(" \\| ", 2)[0];
            if (!option.hasDefaultValue()) {
                assertThat(cell).as("default of %s", option.key()).startsWith("(");
            } else if (option.defaultValue() instanceof Duration d) {
                assertThat(cell).as("default of %s", option.key()).startsWith("`").endsWith("`");
                assertThat(TimeUtils.parseDuration(cell.substring(1, cell.length() - 1)))
                        .as("default of %s", option.key())
                        .isEqualTo(d);
            } else {
                assertThat(cell)
                        .as("default of %s", option.key())
                        .isEqualTo("`" + option.defaultValue() + "`");
            }
        }
    }
}
