package io.osprey.chaos;

import java.util.Map;
import java.util.TreeMap;

/**
 * Sends that failed, by kind (exception class and message up to its first digit, so one kind
 * does not split by offsets or ids), with the first full message of each. A failed acks=all send
 * is not an anomaly: its records may or may not be in the log, and the checker asks only that
 * acknowledged ones are. Thread-safe.
 */
final class SendFailures
{
    private final Map<String, Long> counts = new TreeMap<>();
    private final Map<String, String> firstMessages = new TreeMap<>();
    private long total;

    synchronized void onFailure(final Throwable t)
    {
        total++;
        final String message = String.valueOf(t.getMessage());
        final String kind = t.getClass().getSimpleName() + ": " + message.replaceAll("[0-9].*", "").trim();
        counts.merge(kind, 1L, Long::sum);
        firstMessages.putIfAbsent(kind, message);
    }

    synchronized long total()
    {
        return total;
    }

    synchronized String describe()
    {
        final StringBuilder sb = new StringBuilder();
        counts.forEach((kind, n) -> sb.append(String.format("    %,d x %s (first: %s)%n", n, kind, firstMessages.get(kind))));
        return sb.toString();
    }
}
