package io.vlstream.model.tf;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.model.Captioner;
import io.vlstream.model.DualEncoder;
import io.vlstream.model.engines.ModelBenchmark;
import io.vlstream.model.engines.Models;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark harness measures what it says (numbers come from running it, not from here). */
class ModelBenchmarkTest {

    @TempDir Path dir;

    @Test
    void measuresEachBatchSizeAndPrintsATable() throws IOException {
        String encoderSpec = "savedmodel:" + TestSavedModels.dualEncoder(dir.resolve("d"));
        String captionerSpec =
                "savedmodel:"
                        + TestSavedModels.captioner(dir.resolve("c"))
                        + "?bos-token=[BOS]&stop-tokens=[EOS]";
        ModelBenchmark bench = new ModelBenchmark(8, new int[] {1, 4});
        List<ModelBenchmark.Row> rows = new ArrayList<>();
        try (DualEncoder e = Models.dualEncoder(encoderSpec);
                Captioner c = Models.captioner(captionerSpec)) {
            rows.addAll(bench.imageEncoder(encoderSpec, e));
            rows.addAll(bench.captioner(captionerSpec, c));
        }
        assertThat(rows).extracting(ModelBenchmark.Row::batch).containsExactly(1, 4, 1);
        assertThat(rows).extracting(ModelBenchmark.Row::frames).containsExactly(8, 8, 8);
        assertThat(rows).allSatisfy(r -> assertThat(r.framesPerSecond()).isPositive());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ModelBenchmark.print(rows, new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(out.toString(StandardCharsets.UTF_8))
                .startsWith("| model | batch | frames | seconds | frames/s | ms/batch p50 |")
                .contains("| image encoder d | 4 | 8 |")
                .contains("| captioner c | 1 | 8 |");
    }
}
