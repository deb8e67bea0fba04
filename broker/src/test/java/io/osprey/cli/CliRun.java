package io.osprey.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * One run of the {@code osprey} command line in this JVM, as the tests drive it: its exit code
 * and what it printed to standard output and standard error.
 */
public record CliRun(int code, String out, String err)
{
    public static CliRun run(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = OspreyCli.run(new PrintWriter(out), new PrintWriter(err), args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** The same run as {@code {exit code as text, out, err}}, the shape some tests index into. */
    public static String[] runFields(final String... args)
    {
        final CliRun r = run(args);
        return new String[] {Integer.toString(r.code), r.out, r.err};
    }
}
