package io.osprey.common;

import java.util.Collection;

/** Finds the defined key closest to a misspelt one, for "did you mean" hints. Stateless. */
public final class EditDistance
{
    private EditDistance()
    {
    }

    /** Levenshtein distance: insertions, deletions and substitutions each cost one. */
    public static int between(final String a, final String b)
    {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++)
        {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++)
            {
                final int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            final int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /**
     * The candidate closest to {@code key}, or {@code null} when none is a plausible typo (at most
     * a third of the key's length and never more than 4 edits): an unrelated suggestion misleads.
     */
    public static String closest(final String key, final Collection<String> candidates)
    {
        final int limit = Math.min(4, Math.max(1, key.length() / 3));
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (final String candidate : candidates)
        {
            final int d = between(key, candidate);
            if (d < bestDistance)
            {
                best = candidate;
                bestDistance = d;
            }
        }
        return bestDistance <= limit ? best : null;
    }
}
