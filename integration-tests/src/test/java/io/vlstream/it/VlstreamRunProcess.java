package io.vlstream.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * One {@code vlstream run} process, in a JVM of its own as a user starts it, and what it printed.
 */
record VlstreamRunProcess(Process process, List<String> lines) {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    /**
     * Starts {@code vlstream run -b servers --checkpoint-dir dir extra...} and waits until it says
     * it runs.
     */
    static VlstreamRunProcess start(String servers, Path checkpointDir, List<String> extra)
            throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.vlstream.cli.VlstreamCli");
        command.addAll(List.of("run", "-b", servers, "--checkpoint-dir", checkpointDir.toString()));
        command.addAll(extra);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader =
                new Thread(
                        () -> {
                            try (BufferedReader in =
                                    new BufferedReader(
                                            new InputStreamReader(
                                                    process.getInputStream(),
                                                    StandardCharsets.UTF_8))) {
                                for (String line; (line = in.readLine()) != null; ) {
                                    lines.add(line);
                                }
                            } catch (IOException e) {
                                // The process ended.
                            }
                        },
                        "vlstream-run-output");
        reader.setDaemon(true);
        reader.start();
        VlstreamRunProcess run = new VlstreamRunProcess(process, lines);
        run.awaitLine("running;", START_TIMEOUT);
        return run;
    }

    List<String> output() {
        return List.copyOf(lines);
    }

    void awaitLine(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (lines.stream().anyMatch(l -> l.contains(text))) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError(
                        "vlstream run exited with "
                                + process.exitValue()
                                + ":\n"
                                + String.join("\n", lines));
            }
            Thread.sleep(100);
        }
        throw new AssertionError(
                "vlstream run did not print '"
                        + text
                        + "' within "
                        + timeout
                        + ":\n"
                        + String.join("\n", lines));
    }

    /** SIGTERM, as Ctrl-C or a service manager stops it; waits for it to exit. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("vlstream run did not stop within 60 s of SIGTERM");
        }
    }
}
