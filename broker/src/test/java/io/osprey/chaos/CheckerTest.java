package io.osprey.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The checker against hand-made histories: one clean, then each anomaly planted alone, so
 * every count is shown to move (a checker that always says zero would pass the clean case).
 */
class CheckerTest
{
    private static final int PARTITIONS = 2;

    private final AckTable producer0 = new AckTable();
    private final AckTable producer1 = new AckTable();
    private final OffsetTable finalRead = new OffsetTable("final read", PARTITIONS);
    private final OffsetTable consumer = new OffsetTable("consumer", PARTITIONS);

    /** Producer p sends sequences 0..count-1, sequence s to partition s % 2, each acknowledged where it lands in the final read. */
    private void writeAndAcknowledge(final int count)
    {
        final long[] next = new long[PARTITIONS];
        for (long s = 0; s < count; s++)
        {
            for (int p = 0; p < 2; p++)
            {
                final AckTable acks = p == 0 ? producer0 : producer1;
                assertThat(acks.nextSequence()).isEqualTo(s);
                final int partition = (int)(s % PARTITIONS);
                final long offset = next[partition]++;
                finalRead.record(partition, offset, Values.encode(p, s));
                consumer.record(partition, offset, Values.encode(p, s));
                acks.onAcknowledged(s, partition, offset);
            }
        }
    }

    private Checker.Result check()
    {
        return Checker.check(List.of(producer0, producer1), finalRead, List.of(consumer));
    }

    @Test
    void shouldCountNothingForACleanHistory()
    {
        writeAndAcknowledge(100);

        final Checker.Result r = check();

        assertThat(r.acknowledged()).isEqualTo(200);
        assertThat(r.finalRecords()).isEqualTo(200);
        assertThat(r.anomalies()).isZero();
        assertThat(r.examples()).isEmpty();
    }

    @Test
    void shouldCountAnAcknowledgedRecordMissingFromTheFinalReadAsLost()
    {
        writeAndAcknowledge(10);
        // Offset 4 of partition 0 was acknowledged for p0-8 but holds a value never sent by anyone else.
        final OffsetTable rewritten = new OffsetTable("final read", PARTITIONS);
        copyExcept(finalRead, rewritten, 0, 8);

        final Checker.Result r = Checker.check(List.of(producer0, producer1), rewritten, List.of());

        assertThat(r.lost()).isEqualTo(1);
        assertThat(r.examples()).anyMatch(e -> e.startsWith("lost: p0-8"));
    }

    @Test
    void shouldCountAnAcknowledgedRecordFoundAtAnotherOffsetAsMoved()
    {
        writeAndAcknowledge(4);
        // p0-3 acknowledged at partition 1 offset 2, but written again after the others.
        final OffsetTable shifted = new OffsetTable("final read", PARTITIONS);
        copyExcept(finalRead, shifted, 0, 3);
        shifted.record(1, 4, Values.encode(0, 3));

        final Checker.Result r = Checker.check(List.of(producer0, producer1), shifted, List.of());

        assertThat(r.moved()).isEqualTo(1);
        assertThat(r.lost()).isZero();
    }

    @Test
    void shouldCountEachExtraCopyAsADuplicate()
    {
        writeAndAcknowledge(4);
        finalRead.record(0, 4, Values.encode(1, 2));
        finalRead.record(0, 5, Values.encode(1, 2));

        final Checker.Result r = check();

        assertThat(r.duplicates()).isEqualTo(2);
    }

    @Test
    void shouldCountASequenceBelowTheProducersPreviousOneInThePartitionAsOutOfOrder()
    {
        producer0.nextSequence();
        producer0.nextSequence();
        producer0.nextSequence();
        // Partition 0 holds p0-2 before p0-0; p0-1 is not acknowledged, so only the order is wrong.
        finalRead.record(0, 0, Values.encode(0, 2));
        finalRead.record(0, 1, Values.encode(0, 0));
        producer0.onAcknowledged(2, 0, 0);
        producer0.onAcknowledged(0, 0, 1);

        final Checker.Result r = Checker.check(List.of(producer0), finalRead, List.of());

        assertThat(r.outOfOrder()).isEqualTo(1);
        assertThat(r.lost()).isZero();
    }

    @Test
    void shouldCountWhatAConsumerSawThatTheFinalReadLacksAsSeenThenGone()
    {
        writeAndAcknowledge(4);
        // The consumer received a value at an offset beyond the final log, and another value at offset 0.
        consumer.record(0, 50, Values.encode(1, 9));
        consumer.record(0, 0, Values.encode(1, 3));

        final Checker.Result r = check();

        assertThat(r.seenThenGone()).isEqualTo(2);
        assertThat(r.examples()).anyMatch(e -> e.contains("partition 0 offset 50"));
    }

    @Test
    void shouldCountValuesTheWorkloadNeverWroteAsUnreadable()
    {
        writeAndAcknowledge(2);
        finalRead.record(1, 2, Values.UNREADABLE);
        finalRead.record(1, 3, Values.encode(5, 0));
        finalRead.record(1, 4, Values.encode(0, 1_000));

        final Checker.Result r = check();

        assertThat(r.unreadable()).isEqualTo(3);
    }

    @Test
    void shouldAcceptUnacknowledgedSendsEitherPresentOrAbsent()
    {
        producer0.nextSequence();
        producer0.nextSequence();
        finalRead.record(0, 0, Values.encode(0, 1));

        final Checker.Result r = Checker.check(List.of(producer0), finalRead, List.of());

        assertThat(r.anomalies()).isZero();
        assertThat(r.unacknowledgedPresent()).isEqualTo(1);
    }

    private static void copyExcept(final OffsetTable from, final OffsetTable to, final int producer, final long sequence)
    {
        for (int p = 0; p < from.partitionCount(); p++)
        {
            for (long o = 0; o < from.end(p); o++)
            {
                final long v = from.get(p, o);
                if (v != Values.encode(producer, sequence))
                {
                    to.record(p, o, v);
                }
                else
                {
                    to.record(p, o, Values.encode(producer + 7, 0));
                }
            }
        }
    }
}
