package io.vlstream.fetch;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where vlstream keeps what it fetches and converts, outside the repository: {@code
 * $VLSTREAM_CACHE}, else {@code ~/.cache/vlstream}.
 */
public final class CacheDirectory {

    /** Environment variable that moves the cache. */
    public static final String ENV = "VLSTREAM_CACHE";

    private static final Object JVM_LOCK = new Object();

    private CacheDirectory() {}

    /** The cache root (created if missing). */
    public static Path root() throws IOException {
        String configured = System.getenv(ENV);
        Path root =
                configured != null && !configured.isBlank()
                        ? Path.of(configured)
                        : Path.of(System.getProperty("user.home"), ".cache", "vlstream");
        return Files.createDirectories(root);
    }

    /** A directory under the cache root (created if missing). */
    public static Path dir(String... parts) throws IOException {
        Path dir = root();
        for (String part : parts) {
            dir = dir.resolve(part);
        }
        return Files.createDirectories(dir);
    }

    /** Work that fills the cache; runs under a lock shared by every vlstream process. */
    public interface Filler<T> {
        T fill() throws IOException;
    }

    /**
     * Runs {@code filler} while holding the cache lock, so concurrent task managers or test forks
     * on one machine fetch and convert once instead of racing.
     */
    public static <T> T locked(Filler<T> filler) throws IOException {
        synchronized (JVM_LOCK) {
            Path lockFile = root().resolve(".lock");
            try (FileChannel channel =
                            FileChannel.open(
                                    lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock ignored = channel.lock()) {
                return filler.fill();
            }
        }
    }
}
