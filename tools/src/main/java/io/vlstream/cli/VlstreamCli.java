package io.vlstream.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code vlstream} command-line tool. */
@Command(
        name = "vlstream",
        mixinStandardHelpOptions = true,
        version = "vlstream 0.1.0",
        description = "Instruction-guided video understanding on Kafka with Apache Flink.",
        subcommands = {
            DemoCommand.class,
            BenchCommand.class,
            EvalCommand.class,
            OptionsCommand.class,
            ProduceCommand.class,
            TextsCommand.class,
            InstructCommand.class,
            TailCommand.class,
            ReportCommand.class,
            ExportCommand.class,
            RunCommand.class,
            KafkaCommand.class
        })
public final class VlstreamCli implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        int exit = new CommandLine(new VlstreamCli()).execute(args);
        System.exit(exit);
    }
}
