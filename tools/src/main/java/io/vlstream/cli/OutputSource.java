package io.vlstream.cli;

import io.vlstream.jobs.JobSettings;
import io.vlstream.jobs.KafkaOptions;
import io.vlstream.output.KafkaOutput;
import io.vlstream.output.OutputFiles;
import io.vlstream.output.VlstreamOutput;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * Where {@code report} and {@code export} read vlstream's output from: a directory of Avro files
 * ({@code --input}, what {@code vlstream demo} writes) or the output topics of a Kafka cluster
 * ({@code --bootstrap-servers}).
 */
final class OutputSource {

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Where where = new Where();

    @Option(
            names = "--stream",
            description = "Only this stream id (default: every stream in the output).")
    String streamId;

    @Option(
            names = {"-D", "--set"},
            description =
                    "A vlstream setting for reading from Kafka, key=value (topic names,"
                            + " vlstream.kafka.properties-file for SASL/SSL; see 'vlstream"
                            + " options').")
    Map<String, String> settings = new HashMap<>();

    /** Either a directory or a Kafka cluster. */
    static final class Where {
        @Option(
                names = "--input",
                description =
                        "Directory (or one file) of Avro output files (default:"
                                + " vlstream-demo-output, what 'vlstream demo' writes).")
        Path input;

        @Option(
                names = "--bootstrap-servers",
                description = "Read the captions, scores and DLQ topics from this Kafka instead.")
        String bootstrapServers;
    }

    /** The output, narrowed to {@code --stream} when given. */
    VlstreamOutput load() throws IOException {
        VlstreamOutput output;
        if (where.bootstrapServers != null) {
            Configuration conf = new Configuration();
            settings.forEach(conf::setString);
            conf.set(KafkaOptions.BOOTSTRAP_SERVERS, where.bootstrapServers);
            output = KafkaOutput.read(JobSettings.from(conf), Duration.ofMinutes(2));
        } else {
            output = OutputFiles.read(input());
        }
        if (streamId != null) {
            if (!output.streamIds().contains(streamId)) {
                throw new IllegalArgumentException(
                        "No stream '"
                                + streamId
                                + "' in the output; streams there: "
                                + output.streamIds());
            }
            output = output.forStream(streamId);
        }
        return output;
    }

    /** Where it was read from, for people. */
    String describe() {
        return where.bootstrapServers != null
                ? "Kafka " + where.bootstrapServers
                : input().toAbsolutePath().normalize().toString();
    }

    private Path input() {
        return where.input != null ? where.input : DemoCommand.DEFAULT_OUTPUT;
    }
}
