package io.vlstream.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/** Integrity checks of fetched files. */
final class Digests {

    private Digests() {}

    static byte[] digest(Path file, String algorithm) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every JDK", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return digest.digest();
    }

    static String sha256Hex(Path file) throws IOException {
        return HexFormat.of().formatHex(digest(file, "SHA-256"));
    }

    /** npm's integrity string for a file: "sha512-" + base64. */
    static String npmIntegrity(Path file) throws IOException {
        return "sha512-" + Base64.getEncoder().encodeToString(digest(file, "SHA-512"));
    }

    static void requireSha256(Path file, String expectedHex, String what) throws IOException {
        String actual = sha256Hex(file);
        if (!actual.equalsIgnoreCase(expectedHex)) {
            throw new FetchException(
                    what
                            + " failed its integrity check: sha256 "
                            + actual
                            + ", expected "
                            + expectedHex
                            + " ("
                            + file
                            + ")");
        }
    }
}
