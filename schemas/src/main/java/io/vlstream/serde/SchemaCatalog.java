package io.vlstream.serde;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.SchemaParseException;
import org.apache.avro.SchemaParser;
import org.apache.avro.message.SchemaStore;

/**
 * Every schema version vlstream knows, by CRC-64-AVRO fingerprint, so a reader can resolve the
 * writer's schema named in a single-object header without a registry.
 *
 * <p>Sources, all {@code .avsc}:
 *
 * <ul>
 *   <li>the current schemas, which the build copies into the jar under {@value #LOCATION};
 *   <li>published history under {@value #LOCATION}{@value #HISTORY}{@code <version>/...}: when a
 *       schema is released, its full text as {@code Schema#toString(true)} prints it is added there
 *       and never changed. History files must be self-contained (every named type inlined), because
 *       the named types they use may since have changed;
 *   <li>optionally, self-contained files from a directory the caller names ({@link
 *       #withDirectory(Path)}), e.g. schemas of a newer producer deployed before this reader.
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class SchemaCatalog implements SchemaStore {

    /** Class-path folder of the current schemas. */
    public static final String LOCATION = "vlstream/schemas/";

    /** Sub-folder of {@link #LOCATION} holding published versions. */
    public static final String HISTORY = "history/";

    private static final String SUFFIX = ".avsc";

    /** A schema version that is not the current one, and where it was read from. */
    public record Version(String origin, Schema schema) {
        /** The schema's CRC-64-AVRO fingerprint, as written in single-object headers. */
        public long fingerprint() {
            return SchemaNormalization.parsingFingerprint64(schema);
        }
    }

    private static volatile SchemaCatalog classPathCatalog;

    private final Map<String, Schema> current;
    private final List<Version> versions;
    private final Map<Long, Schema> byFingerprint;

    private SchemaCatalog(Map<String, Schema> current, List<Version> versions) {
        this.current = Collections.unmodifiableMap(current);
        this.versions = List.copyOf(versions);
        Map<Long, Schema> index = new LinkedHashMap<>();
        for (Schema schema : current.values()) {
            index.putIfAbsent(SchemaNormalization.parsingFingerprint64(schema), schema);
        }
        for (Version version : versions) {
            index.putIfAbsent(version.fingerprint(), version.schema());
        }
        this.byFingerprint = Collections.unmodifiableMap(index);
    }

    /** The catalog of the class path that loaded vlstream's schemas; read once and shared. */
    public static SchemaCatalog fromClassPath() {
        SchemaCatalog catalog = classPathCatalog;
        if (catalog == null) {
            synchronized (SchemaCatalog.class) {
                catalog = classPathCatalog;
                if (catalog == null) {
                    catalog = fromClassPath(SchemaCatalog.class.getClassLoader());
                    classPathCatalog = catalog;
                }
            }
        }
        return catalog;
    }

    /** Reads the current and historical schemas visible to {@code loader}. */
    public static SchemaCatalog fromClassPath(ClassLoader loader) {
        Map<String, String> files = ClassPathFiles.read(loader, LOCATION, SUFFIX);
        Map<String, String> currentFiles = new TreeMap<>();
        List<Version> versions = new ArrayList<>();
        for (Map.Entry<String, String> file : files.entrySet()) {
            String relative = file.getKey().substring(LOCATION.length());
            if (relative.startsWith(HISTORY)) {
                versions.add(
                        new Version(
                                "classpath:" + file.getKey(),
                                parseSelfContained(file.getKey(), file.getValue())));
            } else {
                currentFiles.put(file.getKey(), file.getValue());
            }
        }
        if (currentFiles.isEmpty()) {
            throw new IllegalStateException(
                    "No .avsc files under "
                            + LOCATION
                            + " on the class path: is vlstream-schemas on it?");
        }
        return new SchemaCatalog(parseTogether(currentFiles), versions);
    }

    /**
     * This catalog plus every {@code .avsc} file under {@code directory} (recursively), each
     * self-contained.
     *
     * @throws UncheckedIOException if the directory cannot be read
     * @throws IllegalArgumentException if a file is not a valid schema
     */
    public SchemaCatalog withDirectory(Path directory) {
        List<Version> more = new ArrayList<>(versions);
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.filter(p -> p.toString().endsWith(SUFFIX)).sorted().toList()) {
                more.add(
                        new Version(
                                path.toString(),
                                parseSelfContained(path.toString(), Files.readString(path))));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read schemas from " + directory, e);
        }
        return new SchemaCatalog(new LinkedHashMap<>(current), more);
    }

    /** This catalog plus the given schemas (e.g. a generic reader's own). */
    public SchemaCatalog with(Schema... schemas) {
        List<Version> more = new ArrayList<>(versions);
        for (Schema schema : schemas) {
            more.add(new Version("given", schema));
        }
        return new SchemaCatalog(new LinkedHashMap<>(current), more);
    }

    /** The current schemas, every named type by full name. */
    public Map<String, Schema> current() {
        return current;
    }

    /** The historical and extra versions, in the order they were read. */
    public List<Version> versions() {
        return versions;
    }

    @Override
    public Schema findByFingerprint(long fingerprint) {
        return byFingerprint.get(fingerprint);
    }

    private static Schema parseSelfContained(String origin, String text) {
        try {
            SchemaParser parser = new SchemaParser();
            return parser.resolve(parser.parse(text));
        } catch (SchemaParseException e) {
            throw new IllegalArgumentException(
                    "Invalid schema "
                            + origin
                            + " (history and extra files must be self-contained, as"
                            + " Schema#toString prints them): "
                            + e.getMessage(),
                    e);
        }
    }

    /** Current files may name types defined in other files, in any order. */
    private static Map<String, Schema> parseTogether(Map<String, String> files) {
        SchemaParser parser = new SchemaParser();
        Map<String, SchemaParser.ParseResult> results = new LinkedHashMap<>();
        for (Map.Entry<String, String> file : files.entrySet()) {
            try {
                results.put(file.getKey(), parser.parse(file.getValue()));
            } catch (SchemaParseException e) {
                throw new IllegalStateException(
                        "Invalid schema " + file.getKey() + ": " + e.getMessage(), e);
            }
        }
        Map<String, Schema> byName = new TreeMap<>();
        for (Map.Entry<String, SchemaParser.ParseResult> result : results.entrySet()) {
            Schema schema;
            try {
                schema = parser.resolve(result.getValue());
            } catch (SchemaParseException e) {
                throw new IllegalStateException(
                        "Cannot resolve schema " + result.getKey() + ": " + e.getMessage(), e);
            }
            collectNamed(schema, byName, new HashSet<>());
        }
        return byName;
    }

    private static void collectNamed(Schema schema, Map<String, Schema> out, Set<String> seen) {
        switch (schema.getType()) {
            case RECORD -> {
                if (seen.add(schema.getFullName())) {
                    out.putIfAbsent(schema.getFullName(), schema);
                    schema.getFields().forEach(f -> collectNamed(f.schema(), out, seen));
                }
            }
            case ENUM, FIXED -> out.putIfAbsent(schema.getFullName(), schema);
            case ARRAY -> collectNamed(schema.getElementType(), out, seen);
            case MAP -> collectNamed(schema.getValueType(), out, seen);
            case UNION -> schema.getTypes().forEach(t -> collectNamed(t, out, seen));
            default -> {}
        }
    }

    /** Reads files under a class-path folder, from directories and jars alike. */
    static final class ClassPathFiles {

        private ClassPathFiles() {}

        /** Resource name → UTF-8 text; the first of two equal names on the class path wins. */
        static Map<String, String> read(ClassLoader loader, String folder, String suffix) {
            Map<String, String> out = new TreeMap<>();
            Set<String> jarsRead = new HashSet<>();
            try {
                Enumeration<URL> roots = loader.getResources(folder);
                while (roots.hasMoreElements()) {
                    readRoot(roots.nextElement(), folder, suffix, out, jarsRead);
                }
                // A jar without directory entries (some shading setups) is invisible to
                // getResources(folder); the jar holding this class carries the current schemas.
                CodeSource source = SchemaCatalog.class.getProtectionDomain().getCodeSource();
                if (source != null && source.getLocation() != null) {
                    Path own = Path.of(source.getLocation().toURI());
                    if (Files.isRegularFile(own) && jarsRead.add(own.toString())) {
                        try (JarFile jar = new JarFile(own.toFile())) {
                            readJar(jar, folder, suffix, out);
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot list " + folder + " on the class path", e);
            } catch (URISyntaxException | IllegalArgumentException e) {
                throw new IllegalStateException("Cannot list " + folder + " on the class path", e);
            }
            return out;
        }

        private static void readRoot(
                URL root, String folder, String suffix, Map<String, String> out, Set<String> jars)
                throws IOException, URISyntaxException {
            if ("file".equals(root.getProtocol())) {
                Path dir = Path.of(root.toURI());
                try (Stream<Path> paths = Files.walk(dir)) {
                    for (Path path :
                            paths.filter(p -> p.toString().endsWith(suffix)).sorted().toList()) {
                        String relative = dir.relativize(path).toString().replace('\\', '/');
                        out.putIfAbsent(folder + relative, Files.readString(path));
                    }
                }
            } else if ("jar".equals(root.getProtocol())) {
                URLConnection connection = root.openConnection();
                connection.setUseCaches(false);
                if (connection instanceof JarURLConnection jarConnection) {
                    try (JarFile jar = jarConnection.getJarFile()) {
                        if (jars.add(jar.getName())) {
                            readJar(jar, folder, suffix, out);
                        }
                    }
                }
            }
        }

        private static void readJar(
                JarFile jar, String folder, String suffix, Map<String, String> out)
                throws IOException {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                String name = entry.getName();
                if (!entry.isDirectory() && name.startsWith(folder) && name.endsWith(suffix)) {
                    try (InputStream in = jar.getInputStream(entry)) {
                        out.putIfAbsent(
                                name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
                    }
                }
            }
        }
    }
}
