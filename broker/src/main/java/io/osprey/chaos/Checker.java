package io.osprey.chaos;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Judges a run from what the producers had acknowledged, what the consumers saw while it ran,
 * and the whole topic read back at the end (the final read, from the leaders once every fault is
 * healed). It counts:
 * <ul>
 * <li><b>lost</b>: acknowledged records whose value is nowhere in the final read;</li>
 * <li><b>moved</b>: acknowledged records present, but not at the (partition, offset) the
 * acknowledgement named;</li>
 * <li><b>duplicates</b>: a value present more than once (each extra copy counts);</li>
 * <li><b>out of order</b>: within a partition, in offset order, a producer's sequence that is not
 * above the previous one of that producer (the producers send ascending sequences and
 * idempotence keeps their order per partition);</li>
 * <li><b>seen then gone</b>: a (partition, offset, value) a consumer received during the run
 * that the final read does not hold (another value or nothing), and offsets where a consumer
 * itself received two different values;</li>
 * <li><b>unreadable</b>: values the workload did not write (or with a sequence never sent).</li>
 * </ul>
 * Pure: the tables in, the counts out; not thread-safe while the tables still change.
 */
final class Checker
{
    /** Examples kept per kind of anomaly: enough to start a diagnosis, few enough to print. */
    private static final int EXAMPLES_MAX = 5;

    private Checker()
    {
    }

    record Result(long acknowledged, long lost, long moved, long duplicates, long outOfOrder, long seenThenGone, long unreadable,
        long unacknowledgedPresent, long finalRecords, long finalGaps, List<String> examples)
    {
        long anomalies()
        {
            return lost + moved + duplicates + outOfOrder + seenThenGone + unreadable;
        }
    }

    static Result check(final List<AckTable> producers, final OffsetTable finalRead, final List<OffsetTable> consumed)
    {
        final List<String> examples = new ArrayList<>();
        final int producerCount = producers.size();
        final byte[][] occurrences = new byte[producerCount][];
        for (int p = 0; p < producerCount; p++)
        {
            occurrences[p] = new byte[(int)Math.min(LongArray.SIZE_MAX, producers.get(p).sent())];
        }

        long unreadable = 0;
        long outOfOrder = 0;
        long finalRecords = 0;
        long gaps = 0;
        for (int partition = 0; partition < finalRead.partitionCount(); partition++)
        {
            final long[] lastSequence = new long[producerCount];
            Arrays.fill(lastSequence, -1);
            final long end = finalRead.end(partition);
            for (long offset = 0; offset < end; offset++)
            {
                final long value = finalRead.get(partition, offset);
                if (value == Values.NONE)
                {
                    // Idempotent, non-transactional producers leave no control records: every offset holds a record.
                    gaps++;
                    continue;
                }
                finalRecords++;
                final int producer = Values.producer(value);
                final long sequence = Values.sequence(value);
                if (value == Values.UNREADABLE || producer < 0 || producer >= producerCount || sequence >= occurrences[producer].length)
                {
                    unreadable++;
                    example(examples, "unreadable: partition %d offset %d holds %s", partition, offset, Values.describe(value));
                    continue;
                }
                if (occurrences[producer][(int)sequence] < Byte.MAX_VALUE)
                {
                    occurrences[producer][(int)sequence]++;
                }
                if (sequence <= lastSequence[producer])
                {
                    outOfOrder++;
                    example(examples, "out of order: partition %d offset %d holds %s after p%d-%d", partition, offset,
                        Values.describe(value), producer, lastSequence[producer]);
                }
                lastSequence[producer] = sequence;
            }
        }

        long acknowledged = 0;
        long lost = 0;
        long moved = 0;
        long duplicates = 0;
        long unacknowledgedPresent = 0;
        for (int producer = 0; producer < producerCount; producer++)
        {
            final AckTable acks = producers.get(producer);
            for (int sequence = 0; sequence < occurrences[producer].length; sequence++)
            {
                final int count = occurrences[producer][sequence];
                if (count > 1)
                {
                    duplicates += count - 1;
                    example(examples, "duplicate: p%d-%d present %d times", producer, sequence, count);
                }
                final long position = acks.position(sequence);
                if (position == Values.NONE)
                {
                    unacknowledgedPresent += count > 0 ? 1 : 0;
                    continue;
                }
                acknowledged++;
                final int partition = AckTable.partition(position);
                final long offset = AckTable.offset(position);
                if (count == 0)
                {
                    lost++;
                    example(examples, "lost: p%d-%d acknowledged at partition %d offset %d, which holds %s", producer, sequence,
                        partition, offset, Values.describe(finalRead.get(partition, offset)));
                }
                else if (finalRead.get(partition, offset) != Values.encode(producer, sequence))
                {
                    moved++;
                    example(examples, "moved: p%d-%d acknowledged at partition %d offset %d, which holds %s", producer, sequence,
                        partition, offset, Values.describe(finalRead.get(partition, offset)));
                }
            }
        }

        long seenThenGone = 0;
        for (final OffsetTable seen : consumed)
        {
            seenThenGone += seen.conflicts();
            if (seen.firstConflict() != null)
            {
                example(examples, "seen then gone: %s", seen.firstConflict());
            }
            for (int partition = 0; partition < seen.partitionCount(); partition++)
            {
                final long end = seen.end(partition);
                for (long offset = 0; offset < end; offset++)
                {
                    final long value = seen.get(partition, offset);
                    if (value != Values.NONE && finalRead.get(partition, offset) != value)
                    {
                        seenThenGone++;
                        example(examples, "seen then gone: %s received %s at partition %d offset %d, the final read has %s",
                            seen.name(), Values.describe(value), partition, offset, Values.describe(finalRead.get(partition, offset)));
                    }
                }
            }
        }
        return new Result(acknowledged, lost, moved, duplicates, outOfOrder, seenThenGone, unreadable, unacknowledgedPresent,
            finalRecords, gaps, examples);
    }

    private static void example(final List<String> examples, final String format, final Object... args)
    {
        final String kind = format.substring(0, format.indexOf(':'));
        if (examples.stream().filter(e -> e.startsWith(kind + ":")).count() < EXAMPLES_MAX)
        {
            examples.add(String.format(format, args));
        }
    }
}
