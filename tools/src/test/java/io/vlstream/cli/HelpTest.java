package io.vlstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command and subcommand answers {@code --help} with its usage. */
class HelpTest {

    @Test
    void everyCommandHasHelp() {
        List<List<String>> paths = new ArrayList<>();
        collect(new CommandLine(new VlstreamCli()), new ArrayList<>(), paths);
        assertThat(paths).hasSizeGreaterThan(10);
        for (List<String> path : paths) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            Cli.Result result = Cli.run(args.toArray(String[]::new));
            assertThat(result.exit()).as("%s", args).isZero();
            assertThat(result.out()).as("%s", args).contains("Usage: vlstream");
            assertThat(result.err()).as("%s", args).isEmpty();
        }
    }

    private static void collect(CommandLine cli, List<String> path, List<List<String>> into) {
        into.add(path);
        for (var sub : cli.getSubcommands().entrySet()) {
            List<String> next = new ArrayList<>(path);
            next.add(sub.getKey());
            collect(sub.getValue(), next, into);
        }
    }
}
