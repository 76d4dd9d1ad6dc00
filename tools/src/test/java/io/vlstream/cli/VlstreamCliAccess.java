package io.vlstream.cli;

import picocli.CommandLine;

/** Runs {@code vlstream} commands in-process, for tests of other packages. */
public final class VlstreamCliAccess {

    private VlstreamCliAccess() {}

    /** Runs the command line and returns its exit code. */
    public static int run(String... args) {
        return new CommandLine(new VlstreamCli()).execute(args);
    }
}
