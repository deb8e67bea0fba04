package io.osprey.log;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.CloseableIterator;

/**
 * Kafka's own record classes (kafka-clients 4) reading or cleaning batches written by Osprey.
 * <p>
 * A class of its own, with JDK types only in its signatures: the test classes that call it still
 * load (and JUnit can scan them) in the kafka-3.9 test run, where these classes do not exist.
 */
final class KafkaRecordsReferee
{
    private KafkaRecordsReferee()
    {
    }

    /** Offset to timestamp of every record, as Kafka's {@code MemoryRecords} gives them (checking every CRC). */
    static Map<Long, Long> timestamps(final ByteBuffer batches)
    {
        final Map<Long, Long> out = new LinkedHashMap<>();
        for (final MutableRecordBatch batch : MemoryRecords.readableRecords(batches.duplicate()).batches())
        {
            batch.ensureValid();
            try (CloseableIterator<Record> it = batch.streamingIterator(BufferSupplier.NO_CACHING))
            {
                while (it.hasNext())
                {
                    final Record r = it.next();
                    out.put(r.offset(), r.timestamp());
                }
            }
        }
        return out;
    }

    /** {@code DefaultRecordBatch.deleteHorizonMs()} of the first batch. */
    static OptionalLong deleteHorizonMs(final ByteBuffer batches)
    {
        return MemoryRecords.readableRecords(batches.duplicate()).batches().iterator().next().deleteHorizonMs();
    }

    /**
     * What Kafka's cleaner writes for {@code batches} when cleaning at {@code nowMs} and keeping
     * the records whose offsets are in {@code kept}: {@code MemoryRecords.filterTo}, which sets
     * the delete horizon of a retained batch holding tombstones.
     */
    static ByteBuffer cleanerFilter(final ByteBuffer batches, final long nowMs, final long deleteRetentionMs,
        final Set<Long> kept)
    {
        final MemoryRecords.RecordFilter filter = new MemoryRecords.RecordFilter(nowMs, deleteRetentionMs)
        {
            @Override
            protected BatchRetentionResult checkBatchRetention(final RecordBatch batch)
            {
                return new BatchRetentionResult(BatchRetention.DELETE_EMPTY, false);
            }

            @Override
            protected boolean shouldRetainRecord(final RecordBatch batch, final Record record)
            {
                return kept.contains(record.offset());
            }
        };
        final ByteBuffer out = ByteBuffer.allocate(batches.remaining() + 1024);
        final ByteBuffer written = MemoryRecords.readableRecords(batches.duplicate())
            .filterTo(filter, out, BufferSupplier.NO_CACHING).outputBuffer();
        written.flip();
        return written;
    }
}
