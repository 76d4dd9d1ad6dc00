package io.vlstream.fetch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One file out of a Debian package, fetched with the ordinary client ({@code apt-get download},
 * then {@code dpkg-deb -x}), checked against a pinned sha256 and cached. Nothing is installed.
 */
public final class DebianPackageFile {

    private static final Logger LOG = LoggerFactory.getLogger(DebianPackageFile.class);
    private static final long TIMEOUT_SECONDS = 900;

    private final String packageName;
    private final String pathInPackage;
    private final String sha256;

    /**
     * @param packageName e.g. {@code opencv-doc}
     * @param pathInPackage absolute path inside the package, e.g. {@code
     *     /usr/share/doc/opencv-doc/examples/data/vtest.avi}
     * @param sha256 the file's expected sha256, hex
     */
    public DebianPackageFile(String packageName, String pathInPackage, String sha256) {
        this.packageName = packageName;
        this.pathInPackage = pathInPackage;
        this.sha256 = sha256;
    }

    /** The cached file, fetched first if missing. */
    public Path fetch() throws IOException {
        Path target =
                CacheDirectory.dir("debian", packageName)
                        .resolve(Path.of(pathInPackage).getFileName().toString());
        if (Files.isRegularFile(target)) {
            return target;
        }
        return CacheDirectory.locked(
                () -> {
                    if (!Files.isRegularFile(target)) {
                        extractInto(target);
                    }
                    return target;
                });
    }

    private void extractInto(Path target) throws IOException {
        Path work = Files.createTempDirectory(CacheDirectory.root(), "debian-");
        try {
            LOG.info(
                    "Fetching {} from Debian package {} with apt-get (first run only)",
                    target.getFileName(),
                    packageName);
            download(work);
            Path deb;
            try (Stream<Path> files = Files.list(work)) {
                deb =
                        files.filter(p -> p.getFileName().toString().endsWith(".deb"))
                                .findFirst()
                                .orElseThrow(
                                        () ->
                                                new FetchException(
                                                        "apt-get download "
                                                                + packageName
                                                                + " left no .deb in "
                                                                + work));
            }
            Path root = work.resolve("root");
            ExternalCommand.run(
                    work,
                    TIMEOUT_SECONDS,
                    List.of("dpkg-deb", "-x", deb.toString(), root.toString()));
            Path extracted = root.resolve(pathInPackage.replaceFirst("^/+", ""));
            if (!Files.isRegularFile(extracted)) {
                throw new FetchException(
                        "Debian package " + packageName + " has no file " + pathInPackage);
            }
            Digests.requireSha256(extracted, sha256, pathInPackage);
            Path partial = target.resolveSibling(target.getFileName() + ".partial");
            Files.copy(extracted, partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            deleteRecursively(work);
        }
    }

    private void download(Path work) throws FetchException {
        List<String> command = List.of("apt-get", "download", packageName);
        try {
            ExternalCommand.run(work, TIMEOUT_SECONDS, command);
        } catch (FetchException first) {
            // A fresh machine often has no package lists yet; root can fetch them once.
            if (!"root".equals(System.getProperty("user.name"))) {
                throw new FetchException(
                        first.getMessage() + "\nRun 'sudo apt-get update' once, then try again.",
                        first);
            }
            LOG.info("apt-get download failed; running apt-get update once and retrying");
            ExternalCommand.run(work, TIMEOUT_SECONDS, List.of("apt-get", "update"));
            ExternalCommand.run(work, TIMEOUT_SECONDS, command);
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
