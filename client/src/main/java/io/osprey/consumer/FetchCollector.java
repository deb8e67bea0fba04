package io.osprey.consumer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.common.TopicPartition;
import io.osprey.common.errors.Errors;
import io.osprey.record.CorruptRecordException;
import io.osprey.record.Record;
import io.osprey.record.RecordBatch;
import io.osprey.record.RecordBatchReader;
import io.osprey.serialization.Deserializer;

/**
 * Turns completed fetches into the records one poll returns, and keeps each partition's position
 * exactly as Kafka's consumer does: records below the position are skipped (a batch is fetched
 * whole even when the position is in its middle), each record returned moves the position to its
 * offset + 1, and finishing a batch moves it to the batch's next offset (past records compaction
 * removed and past control batches, which are never returned).
 * <p>
 * Completed fetches are taken in arrival order, which is offset order per partition. Stale ones
 * (an older generation, an unassigned partition) are dropped; a paused partition's are skipped
 * and kept. Decoding is lazy: a fetch is decoded only as far as {@code max.poll.records} needs,
 * and the rest waits for the next poll. Each fully read (or dropped) fetch is released to the
 * network thread so it may fetch that partition again.
 * <p>
 * Errors keep their place: a poll that already collected records returns them and the error
 * comes on the next poll; the position never moves past a corrupt batch, a record a deserializer
 * refused or an ERROR event, so every poll throws again until the application seeks.
 * <p>
 * Not thread-safe: owned by the application thread. The reader is shared by all fetches; a fetch
 * resumed after another used the reader re-wraps its batch and skips what it already returned.
 */
final class FetchCollector<K, V> implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(FetchCollector.class);

    private final SubscriptionState subscriptions;
    private final FetchControl control;
    private final Deserializer<K> keyDeserializer;
    private final Deserializer<V> valueDeserializer;
    private final boolean checkCrcs;
    private final int maxPollRecords;
    private final RecordBatch header = new RecordBatch();
    private final RecordBatchReader reader = new RecordBatchReader();

    /** The fetch whose current batch {@link #reader} is wrapped on, or null when nobody's is. */
    private CompletedFetch readerOwner;

    FetchCollector(final SubscriptionState subscriptions, final FetchControl control, final Deserializer<K> keyDeserializer,
        final Deserializer<V> valueDeserializer, final boolean checkCrcs, final int maxPollRecords)
    {
        this.subscriptions = subscriptions;
        this.control = control;
        this.keyDeserializer = keyDeserializer;
        this.valueDeserializer = valueDeserializer;
        this.checkCrcs = checkCrcs;
        this.maxPollRecords = maxPollRecords;
    }

    /**
     * Collects up to {@code max.poll.records} records from {@code buffered}, removing what it
     * used up.
     *
     * @throws RuntimeException the error at the head of a partition's data, when nothing was collected before it
     */
    ConsumerRecords<K, V> collect(final Deque<CompletedFetch> buffered)
    {
        final Map<TopicPartition, List<ConsumerRecord<K, V>>> out = new LinkedHashMap<>();
        int collected = 0;
        final Iterator<CompletedFetch> it = buffered.iterator();
        while (collected < maxPollRecords && it.hasNext())
        {
            final CompletedFetch fetch = it.next();
            final SubscriptionState.PartitionState state = subscriptions.state(fetch.partition);
            if (state == null || state.generation != fetch.generation)
            {
                it.remove();
                drop(fetch);
                continue;
            }
            if (state.paused)
            {
                continue;
            }
            switch (fetch.kind)
            {
                case POSITION:
                    it.remove();
                    applyPosition(fetch);
                    break;
                case ERROR:
                    if (collected > 0)
                    {
                        return new ConsumerRecords<>(out);
                    }
                    throw exception(fetch);
                case RECORDS:
                default:
                    if (!fetch.started && fetch.fetchOffset != state.position)
                    {
                        it.remove();
                        drop(fetch);
                        onPositionMismatch(state, fetch);
                        continue;
                    }
                    fetch.started = true;
                    final List<ConsumerRecord<K, V>> records = out.computeIfAbsent(fetch.partition, tp -> new ArrayList<>());
                    final int before = records.size();
                    try
                    {
                        drain(fetch, state, records, maxPollRecords - collected);
                    }
                    catch (final RuntimeException e)
                    {
                        collected += records.size() - before;
                        if (collected > 0)
                        {
                            return new ConsumerRecords<>(out);
                        }
                        throw e;
                    }
                    collected += records.size() - before;
                    if (fetch.isExhausted())
                    {
                        it.remove();
                        drop(fetch);
                    }
                    break;
            }
        }
        return new ConsumerRecords<>(out);
    }

    /**
     * For {@code position()}: applies the position events of partitions still waiting for one
     * (nothing of theirs can be queued before it), dropping stale fetches on the way.
     *
     * @return the error waiting at the head of {@code partition}'s data while it has no position, or null
     */
    RuntimeException resolvePositions(final Deque<CompletedFetch> buffered, final TopicPartition partition)
    {
        RuntimeException error = null;
        final Iterator<CompletedFetch> it = buffered.iterator();
        while (it.hasNext())
        {
            final CompletedFetch fetch = it.next();
            final SubscriptionState.PartitionState state = subscriptions.state(fetch.partition);
            if (state == null || state.generation != fetch.generation)
            {
                it.remove();
                drop(fetch);
            }
            else if (!state.hasPosition() && fetch.kind == CompletedFetch.Kind.POSITION)
            {
                it.remove();
                applyPosition(fetch);
            }
            else if (!state.hasPosition() && fetch.kind == CompletedFetch.Kind.ERROR && fetch.partition.equals(partition) && error == null)
            {
                error = exception(fetch);
            }
        }
        return error;
    }

    /** Reads records of {@code fetch} from the partition's position until {@code max} are taken or the fetch is used up. */
    private void drain(final CompletedFetch fetch, final SubscriptionState.PartitionState state, final List<ConsumerRecord<K, V>> out,
        final int max)
    {
        int taken = 0;
        while (taken < max)
        {
            if (!fetch.inBatch)
            {
                if (fetch.batchPosition >= fetch.records.limit())
                {
                    return;
                }
                if (!openBatch(fetch, state))
                {
                    continue;
                }
            }
            else if (readerOwner != fetch)
            {
                wrap(fetch);
            }
            while (taken < max && reader.hasNext())
            {
                final Record record = nextRecord(fetch);
                if (record.offset() < state.position)
                {
                    continue;
                }
                out.add(toConsumerRecord(fetch.partition, record));
                state.position = record.offset() + 1;
                taken++;
            }
            if (!reader.hasNext())
            {
                state.position = Math.max(state.position, reader.batch().nextOffset());
                fetch.batchPosition += reader.batch().sizeInBytes();
                fetch.inBatch = false;
                readerOwner = null;
            }
        }
    }

    /**
     * Starts the batch at the fetch's cursor: skips it when it holds nothing at or above the
     * position or is a control batch, else checks its CRC and wraps the reader on it.
     *
     * @return whether the reader now reads it
     */
    private boolean openBatch(final CompletedFetch fetch, final SubscriptionState.PartitionState state)
    {
        header.wrap(fetch.records, fetch.batchPosition);
        final long nextOffset = header.nextOffset();
        if (nextOffset <= state.position || header.isControlBatch())
        {
            // Wholly below the position (fetched whole around a seek target), or a transaction
            // marker, which a consumer never returns: step over it.
            state.position = Math.max(state.position, nextOffset);
            fetch.batchPosition += header.sizeInBytes();
            return false;
        }
        if (checkCrcs && !header.isChecksumValid())
        {
            throw new OspreyException(ErrorCode.CORRUPT_MESSAGE, "Record batch for partition " + fetch.partition + " at offset "
                + header.baseOffset() + " is corrupt: stored CRC " + Long.toHexString(header.checksum()) + ", computed "
                + Long.toHexString(header.computeChecksum()) + " (check.crcs=true). Seek past offset " + header.lastOffset()
                + " to skip the batch.");
        }
        wrap(fetch);
        fetch.inBatch = true;
        return true;
    }

    private void wrap(final CompletedFetch fetch)
    {
        readerOwner = null;
        try
        {
            reader.wrap(fetch.records, fetch.batchPosition);
        }
        catch (final CorruptRecordException e)
        {
            throw corrupt(fetch, e);
        }
        catch (final UnsupportedOperationException e)
        {
            throw new OspreyException(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, "Cannot read the record batch for partition "
                + fetch.partition + " at offset " + batchBaseOffset(fetch) + ": " + e.getMessage(), e);
        }
        readerOwner = fetch;
    }

    private Record nextRecord(final CompletedFetch fetch)
    {
        try
        {
            return reader.next();
        }
        catch (final CorruptRecordException e)
        {
            // The reader is now past a record we never returned: make the next attempt re-wrap.
            readerOwner = null;
            throw corrupt(fetch, e);
        }
    }

    private ConsumerRecord<K, V> toConsumerRecord(final TopicPartition partition, final Record record)
    {
        final RecordBatch batch = reader.batch();
        final K key;
        final V value;
        try
        {
            key = keyDeserializer.deserialize(partition.topic(), record.keyBytes());
        }
        catch (final RuntimeException e)
        {
            readerOwner = null;
            throw deserializationFailed(partition, record.offset(), "key", e);
        }
        try
        {
            value = valueDeserializer.deserialize(partition.topic(), record.valueBytes());
        }
        catch (final RuntimeException e)
        {
            readerOwner = null;
            throw deserializationFailed(partition, record.offset(), "value", e);
        }
        return new ConsumerRecord<>(partition.topic(), partition.partition(), record.offset(), record.timestamp(),
            batch.isLogAppendTime() ? TimestampType.LOG_APPEND_TIME : TimestampType.CREATE_TIME, record.keySize(),
            record.valueSize(), key, value, record.headerCount() == 0 ? List.of() : Arrays.asList(record.headers()),
            batch.partitionLeaderEpoch());
    }

    private static RecordDeserializationException deserializationFailed(final TopicPartition partition, final long offset,
        final String what, final RuntimeException cause)
    {
        return new RecordDeserializationException(partition, offset, "Error deserializing " + what + " for partition " + partition
            + " at offset " + offset + ": " + cause + ". Seek to offset " + (offset + 1) + " to skip the record.", cause);
    }

    private long batchBaseOffset(final CompletedFetch fetch)
    {
        return header.wrap(fetch.records, fetch.batchPosition).baseOffset();
    }

    private OspreyException corrupt(final CompletedFetch fetch, final CorruptRecordException e)
    {
        return new OspreyException(ErrorCode.CORRUPT_MESSAGE, "Record batch for partition " + fetch.partition + " at offset "
            + batchBaseOffset(fetch) + " is corrupt: " + e.getMessage(), e);
    }

    private void applyPosition(final CompletedFetch fetch)
    {
        if (subscriptions.maybeApplyReset(fetch.partition, fetch.generation, fetch.fetchOffset))
        {
            LOG.info("Resetting offset for partition {} to position {}", fetch.partition, fetch.fetchOffset);
        }
    }

    /**
     * Data that does not start at the position would leave a gap or repeat records. Generations
     * make this impossible; should it happen anyway, fetch again from the position rather than
     * lose records.
     */
    private void onPositionMismatch(final SubscriptionState.PartitionState state, final CompletedFetch fetch)
    {
        LOG.warn("Dropping data of partition {} fetched from offset {} while the position is {}; fetching again from the position",
            fetch.partition, fetch.fetchOffset, state.position);
        if (state.hasPosition())
        {
            subscriptions.seek(fetch.partition, state.position);
        }
    }

    /** Gives the fetch's bytes back to the network thread's buffer accounting. */
    private void drop(final CompletedFetch fetch)
    {
        if (readerOwner == fetch)
        {
            readerOwner = null;
        }
        if (fetch.sizeInBytes() > 0)
        {
            control.release(fetch.partition, fetch.generation, fetch.sizeInBytes());
        }
    }

    /** The exception an ERROR event stands for, made on the application thread so its stack trace is the caller's. */
    static RuntimeException exception(final CompletedFetch fetch)
    {
        if (fetch.error == ErrorCode.OFFSET_OUT_OF_RANGE)
        {
            return new OffsetOutOfRangeException(fetch.errorMessage, Map.of(fetch.partition, fetch.fetchOffset));
        }
        final OspreyException e = Errors.forCode(fetch.error, fetch.errorMessage);
        return e != null ? e : new OspreyException(ErrorCode.UNKNOWN_SERVER_ERROR, fetch.errorMessage);
    }

    @Override
    public void close()
    {
        reader.close();
    }
}
