package io.vlstream.fetch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs an ordinary package client (npm, apt-get, dpkg-deb) and fails with its output. */
final class ExternalCommand {

    private ExternalCommand() {}

    /** Runs {@code command} in {@code workDir}; returns its combined output. */
    static String run(Path workDir, long timeoutSeconds, List<String> command)
            throws FetchException {
        Process process;
        try {
            process =
                    new ProcessBuilder(command)
                            .directory(workDir.toFile())
                            .redirectErrorStream(true)
                            .start();
        } catch (IOException e) {
            throw new FetchException(
                    "Could not start '"
                            + String.join(" ", command)
                            + "': is "
                            + command.get(0)
                            + " installed and on the PATH?",
                    e);
        }
        try {
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new FetchException(
                        "'" + String.join(" ", command) + "' took over " + timeoutSeconds + " s");
            }
            String output = new String(out, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new FetchException(
                        "'"
                                + String.join(" ", command)
                                + "' failed with exit code "
                                + process.exitValue()
                                + ":\n"
                                + output.strip());
            }
            return output;
        } catch (IOException e) {
            throw new FetchException("Reading the output of '" + command.get(0) + "' failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new FetchException("Interrupted while running '" + command.get(0) + "'", e);
        }
    }
}
