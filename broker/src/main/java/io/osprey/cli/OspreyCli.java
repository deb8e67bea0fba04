package io.osprey.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code osprey} command-line tool ({@code scripts/osprey.sh}). Flags keep the names of
 * Kafka's tools ({@code --bootstrap-server}, {@code --topic}, {@code --partitions}, ...); errors
 * print the broker's message and exit non-zero.
 */
@Command(name = "osprey", mixinStandardHelpOptions = true, version = "osprey 0.1.0",
    description = "Osprey command-line tool.",
    subcommands = {TopicCommand.class, ProduceCommand.class, ConsumeCommand.class, DumpLogCommand.class, GroupCommand.class,
        ClusterCommand.class, StorageCommand.class, LeaderCommand.class, ReassignCommand.class})
public final class OspreyCli
{
    private OspreyCli()
    {
    }

    public static void main(final String[] args)
    {
        System.exit(run(args));
    }

    static int run(final String... args)
    {
        return configure(new CommandLine(new OspreyCli())).execute(args);
    }

    /** Errors print as one line with the broker's message, not a stack trace, and exit 1. */
    private static CommandLine configure(final CommandLine cli)
    {
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) ->
        {
            commandLine.getErr().println("ERROR: " + (e instanceof CliException ? e.getMessage() : e.toString()));
            commandLine.getErr().flush();
            return 1;
        });
        return cli;
    }

    /** Runs with the given output streams: what tests use. */
    public static int run(final java.io.PrintWriter out, final java.io.PrintWriter err, final String... args)
    {
        final CommandLine cli = configure(new CommandLine(new OspreyCli()));
        cli.setOut(out);
        cli.setErr(err);
        return cli.execute(args);
    }
}
