package io.vlstream.cli;

import io.vlstream.jobs.VlstreamOptions;
import picocli.CommandLine.Command;

/** Prints every setting with its default, as the README's table. */
@Command(
        name = "options",
        mixinStandardHelpOptions = true,
        description = "Print every vlstream setting, its default and meaning.")
final class OptionsCommand implements Runnable {
    @Override
    public void run() {
        System.out.print(VlstreamOptions.markdownTable());
    }
}
