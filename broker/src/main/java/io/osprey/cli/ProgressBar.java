package io.osprey.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A progress line for long waits: {@code [########------------] 2/5 partitions done (40%) 3.2 s}.
 * On a terminal it redraws one line in place (carriage return); otherwise (a file, a pipe, a
 * test) it prints a plain line each time the count changes, so logs stay readable. Not
 * thread-safe: one waiting thread draws it.
 */
final class ProgressBar
{
    static final int WIDTH = 30;

    private final PrintWriter out;
    private final boolean terminal;
    private final String unit;
    private int lastDone = -1;
    private int lastLength;

    /**
     * @param terminal whether {@code out} is a terminal (redraw in place)
     * @param unit     what is counted, plural ("partitions")
     */
    ProgressBar(final PrintWriter out, final boolean terminal, final String unit)
    {
        this.out = out;
        this.terminal = terminal;
        this.unit = unit;
    }

    /** Whether this process writes to a terminal: a console exists (both standard streams are one). */
    static boolean isTerminal()
    {
        return System.console() != null;
    }

    static String render(final int done, final int total, final long elapsedMs, final String unit)
    {
        final int filled = total == 0 ? WIDTH : (int)((long)WIDTH * done / total);
        final int percent = total == 0 ? 100 : (int)(100L * done / total);
        return "[" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "] " + done + "/" + total + " " + unit + " done (" + percent
            + "%) " + String.format(Locale.ROOT, "%.1f s", elapsedMs / 1000.0);
    }

    void update(final int done, final int total, final long elapsedMs)
    {
        final String line = render(done, total, elapsedMs, unit);
        if (terminal)
        {
            // Pad over what is left of a longer previous line.
            out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
            lastLength = line.length();
            out.flush();
        }
        else if (done != lastDone)
        {
            out.println(line);
            out.flush();
        }
        lastDone = done;
    }

    /** Ends the redrawn line so that what follows starts on a line of its own. */
    void finish()
    {
        if (terminal && lastLength > 0)
        {
            out.println();
            out.flush();
        }
    }
}
