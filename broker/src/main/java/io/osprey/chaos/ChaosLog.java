package io.osprey.chaos;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/**
 * The run's timeline on stdout: every line carries the seconds since the run started and the
 * wall-clock time, so a fault can be matched with the node logs (which print wall-clock time).
 * Thread-safe: lines from the nemesis, the workload's progress and the checker never interleave.
 */
final class ChaosLog
{
    private static final DateTimeFormatter WALL_CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    private static final long START_NS = System.nanoTime();

    private ChaosLog()
    {
    }

    static synchronized void info(final String format, final Object... args)
    {
        System.out.printf("[%8.3fs %s] %s%n", secondsSinceStart(), LocalTime.now().format(WALL_CLOCK), String.format(format, args));
        System.out.flush();
    }

    static double secondsSinceStart()
    {
        return (System.nanoTime() - START_NS) / 1e9;
    }
}
