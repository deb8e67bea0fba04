package io.osprey.chaos;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One producer's sends: how many it made (sequences 0 to {@link #sent()} - 1) and where each
 * acknowledged one was written, packed as {@code partition << 48 | offset}. Thread-safe: the
 * producer's thread counts sends, its I/O thread records acknowledgements.
 */
final class AckTable
{
    private static final int OFFSET_BITS = 48;
    private static final long OFFSET_MASK = (1L << OFFSET_BITS) - 1;

    private final LongArray positions = new LongArray();
    private final AtomicLong sent = new AtomicLong();
    private long acked;

    /** The next sequence to send. */
    long nextSequence()
    {
        return sent.getAndIncrement();
    }

    long sent()
    {
        return sent.get();
    }

    synchronized void onAcknowledged(final long sequence, final int partition, final long offset)
    {
        if (positions.set(sequence, ((long)partition << OFFSET_BITS) | offset) == Values.NONE)
        {
            acked++;
        }
    }

    synchronized long acked()
    {
        return acked;
    }

    /** Where the record with this sequence was acknowledged, packed, or {@link Values#NONE}. */
    synchronized long position(final long sequence)
    {
        return positions.get(sequence);
    }

    static int partition(final long position)
    {
        return (int)(position >>> OFFSET_BITS);
    }

    static long offset(final long position)
    {
        return position & OFFSET_MASK;
    }
}
