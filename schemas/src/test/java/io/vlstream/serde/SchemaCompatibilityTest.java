package io.vlstream.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;

/**
 * Every current schema stays backward and forward compatible with each published version of the
 * same record, so an incompatible edit of an {@code .avsc} file fails the build.
 */
class SchemaCompatibilityTest {

    @Test
    void everyCurrentSchemaIsBackwardAndForwardCompatibleWithItsHistory() {
        SchemaCatalog catalog =
                SchemaCatalog.fromClassPath().withDirectory(SchemaEvolutionTest.NEXT_SCHEMAS);
        assertThat(catalog.versions()).as("published versions to check").hasSizeGreaterThan(1);

        List<String> problems = new ArrayList<>();
        for (SchemaCatalog.Version version : catalog.versions()) {
            Schema published = version.schema();
            Schema current = catalog.current().get(published.getFullName());
            if (current == null) {
                problems.add(version.origin() + ": " + published.getFullName() + " was removed");
                continue;
            }
            problems.addAll(incompatibilities(version.origin(), current, published));
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void theCheckCatchesAnIncompatibleEdit() {
        Schema current = SchemaCatalog.fromClassPath().current().get("io.vlstream.avro.VideoFrame");
        String edited =
                current.toString()
                        .replace(
                                "{\"name\":\"sequence\",\"type\":\"long\"",
                                "{\"name\":\"sequence\",\"type\":\"string\"");
        assertThat(edited).isNotEqualTo(current.toString());

        assertThat(incompatibilities("edited", new Schema.Parser().parse(edited), current))
                .hasSize(2);
    }

    @Test
    void theCheckCatchesANewRequiredField() {
        Schema current = SchemaCatalog.fromClassPath().current().get("io.vlstream.avro.VideoFrame");
        String edited =
                current.toString()
                        .replace(
                                "{\"name\":\"streamId\"",
                                "{\"name\":\"site\",\"type\":\"string\"},{\"name\":\"streamId\"");

        // Old records lack the field: backward broken, forward still fine.
        assertThat(incompatibilities("edited", new Schema.Parser().parse(edited), current))
                .singleElement()
                .asString()
                .contains("cannot read");
    }

    private static List<String> incompatibilities(String origin, Schema current, Schema published) {
        List<String> problems = new ArrayList<>();
        var backward = SchemaCompatibility.checkReaderWriterCompatibility(current, published);
        if (backward.getType() != SchemaCompatibilityType.COMPATIBLE) {
            problems.add(
                    origin
                            + ": the current "
                            + current.getFullName()
                            + " cannot read records written with it (backward): "
                            + backward.getResult().getIncompatibilities());
        }
        var forward = SchemaCompatibility.checkReaderWriterCompatibility(published, current);
        if (forward.getType() != SchemaCompatibilityType.COMPATIBLE) {
            problems.add(
                    origin
                            + ": readers on it cannot read the current "
                            + current.getFullName()
                            + " (forward): "
                            + forward.getResult().getIncompatibilities());
        }
        return problems;
    }
}
