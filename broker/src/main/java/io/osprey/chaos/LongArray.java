package io.osprey.chaos;

import java.util.Arrays;

/**
 * A growable array of longs, indexed from 0, with unset slots {@link Values#NONE}. Not
 * thread-safe: its owners synchronize. Bounded by {@link #SIZE_MAX}, which a run at the
 * workload's rates never nears (10 minutes at 10,000 records/s is 6 million).
 */
final class LongArray
{
    /** 64 MiB of longs per array: a run that needs more is misconfigured, not one to check. */
    static final int SIZE_MAX = 1 << 23;
    private static final int SIZE_INITIAL = 1 << 12;

    private long[] values = filled(SIZE_INITIAL);
    /** One past the highest index set. */
    private int length;

    long get(final long index)
    {
        return index >= 0 && index < length ? values[(int)index] : Values.NONE;
    }

    /** Sets a slot and returns what it held. */
    long set(final long index, final long value)
    {
        if (index < 0 || index >= SIZE_MAX)
        {
            throw new IllegalStateException("index " + index + " outside the checker's tables (0.." + (SIZE_MAX - 1) +
                "): lower --rate or --minutes");
        }
        final int i = (int)index;
        if (i >= values.length)
        {
            final int grown = (int)Math.min(SIZE_MAX, Math.max((long)values.length * 2, i + 1L));
            final long[] bigger = filled(grown);
            System.arraycopy(values, 0, bigger, 0, length);
            values = bigger;
        }
        final long previous = values[i];
        values[i] = value;
        length = Math.max(length, i + 1);
        return previous;
    }

    long length()
    {
        return length;
    }

    private static long[] filled(final int size)
    {
        final long[] a = new long[size];
        Arrays.fill(a, Values.NONE);
        return a;
    }
}
