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
    subcommands = {DumpLogCommand.class})
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
        return new CommandLine(new OspreyCli()).execute(args);
    }

    /** Runs with the given output streams: what tests use. */
    public static int run(final java.io.PrintWriter out, final java.io.PrintWriter err, final String... args)
    {
        final CommandLine cli = new CommandLine(new OspreyCli());
        cli.setOut(out);
        cli.setErr(err);
        return cli.execute(args);
    }
}
