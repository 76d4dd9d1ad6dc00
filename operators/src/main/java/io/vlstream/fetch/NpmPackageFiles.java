package io.vlstream.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files out of an npm package, fetched with the ordinary client ({@code npm pack}), checked against
 * the package's pinned integrity (sha512) and cached.
 */
public final class NpmPackageFiles {

    private static final Logger LOG = LoggerFactory.getLogger(NpmPackageFiles.class);
    private static final long TIMEOUT_SECONDS = 900;

    private final String spec;
    private final String integrity;
    private final List<String> paths;

    /**
     * @param spec package and exact version, e.g. {@code @vladmandic/human@3.3.6}
     * @param integrity the tarball's npm integrity string, {@code sha512-...}
     * @param paths files wanted, relative to the package root, e.g. {@code models/centernet.json}
     */
    public NpmPackageFiles(String spec, String integrity, List<String> paths) {
        this.spec = spec;
        this.integrity = integrity;
        this.paths = List.copyOf(paths);
    }

    /** The cache directory holding the wanted files (same relative paths), fetched if missing. */
    public Path fetch() throws IOException {
        Path dir = CacheDirectory.dir("npm", spec.replace('/', '_').replace('@', '_'));
        if (allPresent(dir)) {
            return dir;
        }
        return CacheDirectory.locked(
                () -> {
                    if (!allPresent(dir)) {
                        extractInto(dir);
                    }
                    return dir;
                });
    }

    private boolean allPresent(Path dir) {
        return paths.stream().allMatch(p -> Files.isRegularFile(dir.resolve(p)));
    }

    private void extractInto(Path dir) throws IOException {
        Path work = Files.createTempDirectory(CacheDirectory.root(), "npm-");
        try {
            LOG.info("Fetching {} with npm pack (first run only)", spec);
            ExternalCommand.run(
                    work,
                    TIMEOUT_SECONDS,
                    List.of(
                            "npm",
                            "pack",
                            spec,
                            "--silent",
                            "--pack-destination",
                            work.toString()));
            Path tarball;
            try (Stream<Path> files = Files.list(work)) {
                tarball =
                        files.filter(p -> p.getFileName().toString().endsWith(".tgz"))
                                .findFirst()
                                .orElseThrow(
                                        () ->
                                                new FetchException(
                                                        "npm pack " + spec + " left no tarball"));
            }
            String actual = Digests.npmIntegrity(tarball);
            if (!actual.equals(integrity)) {
                throw new FetchException(
                        spec
                                + " failed its integrity check: "
                                + actual
                                + ", expected "
                                + integrity);
            }
            Set<String> wanted = new HashSet<>();
            paths.forEach(p -> wanted.add("package/" + p));
            try (InputStream in = Files.newInputStream(tarball);
                    TarArchiveInputStream tar =
                            new TarArchiveInputStream(new GZIPInputStream(in, 1 << 16))) {
                for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                    if (entry.isFile() && wanted.remove(entry.getName())) {
                        Path target = dir.resolve(entry.getName().substring("package/".length()));
                        Files.createDirectories(target.getParent());
                        Path partial = target.resolveSibling(target.getFileName() + ".partial");
                        Files.copy(tar, partial, StandardCopyOption.REPLACE_EXISTING);
                        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
                    }
                }
            }
            if (!wanted.isEmpty()) {
                throw new FetchException(spec + " has no " + wanted);
            }
        } finally {
            DebianPackageFile.deleteRecursively(work);
        }
    }
}
