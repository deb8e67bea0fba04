package io.osprey.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.osprey.client.ExponentialBackoff;
import io.osprey.client.NetworkClient;
import io.osprey.client.config.ClientConfig;
import io.osprey.common.ErrorCode;
import io.osprey.common.TopicPartition;
import io.osprey.protocol.MemoryRecords;
import io.osprey.protocol.message.FetchResponse;
import io.osprey.record.RecordBatch;

/** The network thread's handling of one partition's fetch answer, driven by hand without sockets. */
class FetcherTest
{
    private static final TopicPartition TP = new TopicPartition("t", 0);

    private final ClientConfig config = ConsumerConfig.definition().parse(Map.of("bootstrap.servers", "127.0.0.1:9"));
    private final NetworkClient client = new NetworkClient(config, "test", 5);
    private final FetchStates states = new FetchStates();
    private final FetchQueue queue = new FetchQueue(16);
    private final Deque<CompletedFetch> delivered = new ArrayDeque<>();

    @AfterEach
    void close()
    {
        client.close();
    }

    private Fetcher fetcher(final OffsetResetStrategy reset)
    {
        final FetchSettings settings = new FetchSettings(1, 52428800, 500, 1048576, (byte)0, "", reset);
        return new Fetcher(client, states, queue, settings, ExponentialBackoff.doubling(100, 1000), new Random(1));
    }

    private PartitionFetchState fetchingFrom(final long offset)
    {
        final FetchControl control = new FetchControl(() ->
        {
        });
        control.assign(java.util.Set.of(TP));
        control.position(TP, FetchControl.PositionCommand.seek(7, offset));
        states.apply(control.drain());
        return states.get(TP);
    }

    private static FetchResponse.PartitionData data(final ErrorCode error, final ByteBuffer records)
    {
        return new FetchResponse.PartitionData(0, error.code, 100, 100, 0, null, null, null, null, -1,
            records == null ? MemoryRecords.EMPTY : new MemoryRecords(records));
    }

    @Test
    void shouldHandOverWholeBatchesAndFetchNextFromTheEndOfTheLastOne()
    {
        final PartitionFetchState state = fetchingFrom(0);
        final ByteBuffer records = new Batches().batch(0, 5).batch(5, 5).partialBatch(10, 5, 40).build();
        final int whole = records.limit() - 40;

        fetcher(OffsetResetStrategy.LATEST).onPartitionData(state, data(ErrorCode.NONE, records), 0);

        queue.drainTo(delivered);
        assertThat(delivered).hasSize(1);
        final CompletedFetch fetch = delivered.peek();
        assertThat(fetch.kind).isEqualTo(CompletedFetch.Kind.RECORDS);
        assertThat(fetch.generation).isEqualTo(7);
        assertThat(fetch.fetchOffset).isZero();
        assertThat(fetch.sizeInBytes()).as("the partial trailing batch is cut off").isEqualTo(whole);
        assertThat(state.fetchOffset).isEqualTo(10);
        assertThat(state.bufferedBytes).isEqualTo(whole);
        assertThat(states.bufferedBytes()).isEqualTo(whole);
    }

    @Test
    void shouldMakeNoProgressOnAnAnswerHoldingOnlyAPartialBatch()
    {
        final PartitionFetchState state = fetchingFrom(10);

        fetcher(OffsetResetStrategy.LATEST).onPartitionData(state, data(ErrorCode.NONE, new Batches().partialBatch(10, 5, 70).build()), 0);

        queue.drainTo(delivered);
        assertThat(delivered).isEmpty();
        assertThat(state.fetchOffset).isEqualTo(10);
        assertThat(state.status).isEqualTo(PartitionFetchState.Status.FETCHING);
    }

    @Test
    void shouldResetByAutoOffsetResetWhenOutOfRange()
    {
        final PartitionFetchState state = fetchingFrom(500);

        fetcher(OffsetResetStrategy.EARLIEST).onPartitionData(state, data(ErrorCode.OFFSET_OUT_OF_RANGE, null), 0);

        assertThat(state.status).isEqualTo(PartitionFetchState.Status.AWAITING_RESET);
        assertThat(state.reset).isEqualTo(OffsetResetStrategy.EARLIEST);
        assertThat(state.generation).as("the same run of positions").isEqualTo(7);
    }

    @Test
    void shouldHandOutOfRangeToTheApplicationWhenAutoOffsetResetIsNone()
    {
        final PartitionFetchState state = fetchingFrom(500);

        fetcher(OffsetResetStrategy.NONE).onPartitionData(state, data(ErrorCode.OFFSET_OUT_OF_RANGE, null), 0);

        queue.drainTo(delivered);
        assertThat(state.status).isEqualTo(PartitionFetchState.Status.FAILED);
        final CompletedFetch error = delivered.peek();
        assertThat(error.kind).isEqualTo(CompletedFetch.Kind.ERROR);
        assertThat(error.error).isEqualTo(ErrorCode.OFFSET_OUT_OF_RANGE);
        assertThat(error.errorMessage).contains("500").contains("t-0").contains("none");
    }

    @Test
    void shouldRefreshMetadataAndBackOffOnLeadershipErrors()
    {
        for (final ErrorCode error : List.of(ErrorCode.NOT_LEADER_OR_FOLLOWER, ErrorCode.FENCED_LEADER_EPOCH,
            ErrorCode.UNKNOWN_LEADER_EPOCH, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION))
        {
            final PartitionFetchState state = fetchingFrom(3);
            client.metadata().update(new io.osprey.protocol.message.MetadataResponse(0,
                List.of(new io.osprey.protocol.message.MetadataResponse.Broker(1, "127.0.0.1", 9, null)), "c", 1, List.of(),
                io.osprey.protocol.message.MetadataResponse.AUTHORIZED_OPERATIONS_OMITTED), 0);

            fetcher(OffsetResetStrategy.LATEST).onPartitionData(state, data(error, null), 1000);

            assertThat(client.metadata().updateRequested()).as(error.name()).isTrue();
            assertThat(state.status).isEqualTo(PartitionFetchState.Status.FETCHING);
            assertThat(state.fetchOffset).isEqualTo(3);
            assertThat(state.retryAtMs).isGreaterThan(1000);
        }
    }

    @Test
    void shouldHandNonRetriableErrorsToTheApplication()
    {
        final PartitionFetchState state = fetchingFrom(3);

        fetcher(OffsetResetStrategy.LATEST).onPartitionData(state, data(ErrorCode.TOPIC_AUTHORIZATION_FAILED, null), 0);

        queue.drainTo(delivered);
        assertThat(state.status).isEqualTo(PartitionFetchState.Status.FAILED);
        assertThat(delivered.peek().error).isEqualTo(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    }

    @Test
    void shouldDeliverGoodBatchesThenACorruptionErrorForBadFraming()
    {
        final PartitionFetchState state = fetchingFrom(0);
        final ByteBuffer records = new Batches().batch(0, 2).batch(2, 2).build();
        final int second = new RecordBatch(records, 0).sizeInBytes();
        records.putInt(second + RecordBatch.BATCH_LENGTH_OFFSET, 3);

        fetcher(OffsetResetStrategy.LATEST).onPartitionData(state, data(ErrorCode.NONE, records), 0);

        queue.drainTo(delivered);
        assertThat(delivered).extracting(f -> f.kind).containsExactly(CompletedFetch.Kind.RECORDS, CompletedFetch.Kind.ERROR);
        assertThat(delivered.peekLast().error).isEqualTo(ErrorCode.CORRUPT_MESSAGE);
        assertThat(delivered.peekLast().fetchOffset).isEqualTo(2);
        assertThat(state.status).isEqualTo(PartitionFetchState.Status.FAILED);
    }

    @Test
    void shouldForgetBufferedBytesOfOlderGenerations()
    {
        final PartitionFetchState state = fetchingFrom(0);
        states.onDelivered(state, 1000);
        final FetchControl control = new FetchControl(() ->
        {
        });
        control.release(TP, 6, 400);
        states.apply(control.drain());
        assertThat(state.bufferedBytes).as("a release of an older generation changes nothing").isEqualTo(1000);

        control.release(TP, 7, 400);
        states.apply(control.drain());
        assertThat(states.bufferedBytes()).isEqualTo(600);

        control.position(TP, FetchControl.PositionCommand.seek(8, 50));
        states.apply(control.drain());
        assertThat(states.bufferedBytes()).isZero();
        assertThat(state.fetchOffset).isEqualTo(50);
    }

    @Test
    void shouldCoalesceCommandsAndWakeTheNetworkThreadOncePerDrain()
    {
        final int[] wakes = new int[1];
        final FetchControl control = new FetchControl(() -> wakes[0]++);
        control.assign(java.util.Set.of(TP));
        control.position(TP, FetchControl.PositionCommand.seek(1, 5));
        control.position(TP, FetchControl.PositionCommand.seek(2, 9));
        control.pause(TP, true);

        assertThat(wakes[0]).isEqualTo(1);
        final FetchControl.Changes changes = control.drain();
        assertThat(changes.positions()).containsExactly(Map.entry(TP, FetchControl.PositionCommand.seek(2, 9)));
        assertThat(control.hasChanges()).isFalse();

        control.release(TP, 2, 10);
        assertThat(wakes[0]).isEqualTo(2);
    }
}
