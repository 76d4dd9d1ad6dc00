package io.vlstream.output;

import io.vlstream.avro.AlignmentScore;
import io.vlstream.avro.DeadLetter;
import io.vlstream.avro.GroundedCaption;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * vlstream's output as Avro container files in a directory: {@value #CAPTIONS}, {@value #SCORES}
 * and {@value #DEAD_LETTERS}. Each file carries its writer's schema, so it can be read years later
 * by any Avro reader. {@link #read} also accepts files written by other consumers: every {@code
 * .avro} file in the directory is read by the record type its schema names.
 */
public final class OutputFiles {

    public static final String CAPTIONS = "captions.avro";
    public static final String SCORES = "scores.avro";
    public static final String DEAD_LETTERS = "dead-letters.avro";

    private OutputFiles() {}

    /** Writes the three files into {@code dir} (created if missing), replacing earlier ones. */
    public static void write(Path dir, VlstreamOutput output) throws IOException {
        Files.createDirectories(dir);
        write(dir.resolve(CAPTIONS), GroundedCaption.getClassSchema(), output.captions());
        write(dir.resolve(SCORES), AlignmentScore.getClassSchema(), output.scores());
        write(dir.resolve(DEAD_LETTERS), DeadLetter.getClassSchema(), output.deadLetters());
    }

    /** Writes one Avro container file of {@code records} (deflate-compressed). */
    public static <T extends SpecificRecord> void write(Path file, Schema schema, List<T> records)
            throws IOException {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try (DataFileWriter<T> writer = new DataFileWriter<>(new SpecificDatumWriter<T>(schema))) {
            writer.setCodec(CodecFactory.deflateCodec(6));
            writer.create(schema, partial.toFile());
            for (T record : records) {
                writer.append(record);
            }
        }
        Files.move(
                partial,
                file,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Reads a directory of output files (or one file): every {@code .avro} file whose records are
     * captions, scores or dead letters; files of other record types are skipped.
     *
     * @throws NoSuchFileException when {@code path} does not exist
     * @throws IOException when it holds no vlstream output at all, or a file is not Avro
     */
    public static VlstreamOutput read(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(
                    path.toString(), null, "no vlstream output here (run 'vlstream demo' first)");
        }
        List<Path> files;
        if (Files.isDirectory(path)) {
            try (Stream<Path> list = Files.list(path)) {
                files =
                        list.filter(p -> p.getFileName().toString().endsWith(".avro"))
                                .sorted()
                                .toList();
            }
        } else {
            files = List.of(path);
        }
        List<GroundedCaption> captions = new ArrayList<>();
        List<AlignmentScore> scores = new ArrayList<>();
        List<DeadLetter> deadLetters = new ArrayList<>();
        int used = 0;
        for (Path file : files) {
            String name = writerSchema(file).getFullName();
            if (name.equals(GroundedCaption.getClassSchema().getFullName())) {
                captions.addAll(readAll(file, GroundedCaption.class));
            } else if (name.equals(AlignmentScore.getClassSchema().getFullName())) {
                scores.addAll(readAll(file, AlignmentScore.class));
            } else if (name.equals(DeadLetter.getClassSchema().getFullName())) {
                deadLetters.addAll(readAll(file, DeadLetter.class));
            } else {
                continue;
            }
            used++;
        }
        if (used == 0) {
            throw new IOException(
                    "No Avro files of GroundedCaption, AlignmentScore or DeadLetter records in "
                            + path);
        }
        return new VlstreamOutput(captions, scores, deadLetters);
    }

    /** Reads every record of one container file as {@code type} (schema resolution applies). */
    public static <T extends SpecificRecord> List<T> readAll(Path file, Class<T> type)
            throws IOException {
        List<T> records = new ArrayList<>();
        try (DataFileReader<T> reader =
                new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(type))) {
            for (T record : reader) {
                records.add(record);
            }
        } catch (UncheckedIOException | org.apache.avro.AvroRuntimeException e) {
            throw new IOException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        return records;
    }

    private static Schema writerSchema(Path file) throws IOException {
        try (DataFileReader<GenericRecord> reader =
                new DataFileReader<>(file.toFile(), new GenericDatumReader<>())) {
            return reader.getSchema();
        } catch (IOException e) {
            throw new IOException("Not an Avro container file: " + file, e);
        }
    }
}
