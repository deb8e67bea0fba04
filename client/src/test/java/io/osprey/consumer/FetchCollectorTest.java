package io.osprey.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.common.TopicPartition;
import io.osprey.record.Compression;
import io.osprey.record.Header;
import io.osprey.record.RecordBatch;
import io.osprey.record.RecordBatchBuilder;
import io.osprey.serialization.Deserializer;
import io.osprey.serialization.Serdes;

/** Position logic of poll over crafted completed fetches, without a network. */
class FetchCollectorTest
{
    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final TopicPartition OTHER = new TopicPartition("t", 1);

    private final FetchControl control = new FetchControl(() ->
    {
    });
    private final SubscriptionState subscriptions = new SubscriptionState(OffsetResetStrategy.EARLIEST, control);
    private final Deque<CompletedFetch> buffered = new ArrayDeque<>();
    private FetchCollector<String, String> collector = collector(500, true, new Serdes.StringDeserializer());

    private FetchCollector<String, String> collector(final int maxPollRecords, final boolean checkCrcs, final Deserializer<String> values)
    {
        return new FetchCollector<>(subscriptions, control, new Serdes.StringDeserializer(), values, checkCrcs, maxPollRecords);
    }

    private long assignAndSeek(final TopicPartition tp, final long offset)
    {
        final List<TopicPartition> all = new ArrayList<>(subscriptions.assignment());
        if (!all.contains(tp))
        {
            all.add(tp);
            subscriptions.assign(all, false);
        }
        subscriptions.seek(tp, offset);
        return subscriptions.state(tp).generation;
    }

    private void deliver(final TopicPartition tp, final long fetchOffset, final ByteBuffer records)
    {
        buffered.add(CompletedFetch.records(tp, subscriptions.state(tp).generation, fetchOffset, records));
    }

    private static List<Long> offsets(final ConsumerRecords<String, String> records)
    {
        final List<Long> out = new ArrayList<>();
        records.forEach(r -> out.add(r.offset()));
        return out;
    }

    private static List<Long> range(final long from, final long toExclusive)
    {
        final List<Long> out = new ArrayList<>();
        for (long o = from; o < toExclusive; o++)
        {
            out.add(o);
        }
        return out;
    }

    @Test
    void shouldReturnRecordsFromThePositionAndMoveItPastTheLastOneReturned()
    {
        assignAndSeek(TP, 0);
        deliver(TP, 0, new Batches().batch(0, 5).batch(5, 5).build());

        final ConsumerRecords<String, String> records = collector.collect(buffered);

        assertThat(offsets(records)).isEqualTo(range(0, 10));
        assertThat(records.records(TP).get(3).key()).isEqualTo("k3");
        assertThat(records.records(TP).get(3).value()).isEqualTo("v3");
        assertThat(subscriptions.state(TP).position).isEqualTo(10);
        assertThat(buffered).as("a fully read fetch is released").isEmpty();
        assertThat(control.drain().releases().get(TP).bytes()).isPositive();
    }

    @Test
    void shouldSkipRecordsBelowThePositionInsideABatch()
    {
        assignAndSeek(TP, 7);
        deliver(TP, 7, new Batches().batch(5, 5).batch(10, 3).build());

        final ConsumerRecords<String, String> records = collector.collect(buffered);

        assertThat(offsets(records)).containsExactly(7L, 8L, 9L, 10L, 11L, 12L);
        assertThat(subscriptions.state(TP).position).isEqualTo(13);
    }

    @Test
    void shouldStepOverBatchesWhollyBelowThePosition()
    {
        assignAndSeek(TP, 10);
        deliver(TP, 10, new Batches().batch(0, 5).batch(5, 5).batch(10, 2).build());

        assertThat(offsets(collector.collect(buffered))).containsExactly(10L, 11L);
    }

    @Test
    void shouldStopAtMaxPollRecordsAndGoOnFromThereOnTheNextPoll()
    {
        collector = collector(3, true, new Serdes.StringDeserializer());
        assignAndSeek(TP, 0);
        deliver(TP, 0, new Batches().batch(0, 4).batch(4, 6).build());

        assertThat(offsets(collector.collect(buffered))).containsExactly(0L, 1L, 2L);
        assertThat(subscriptions.state(TP).position).isEqualTo(3);
        assertThat(offsets(collector.collect(buffered))).containsExactly(3L, 4L, 5L);
        assertThat(offsets(collector.collect(buffered))).containsExactly(6L, 7L, 8L);
        assertThat(offsets(collector.collect(buffered))).containsExactly(9L);
        assertThat(subscriptions.state(TP).position).isEqualTo(10);
        assertThat(collector.collect(buffered).isEmpty()).isTrue();
    }

    @Test
    void shouldResumeAHalfReadFetchAfterAnotherPartitionUsedTheReader()
    {
        collector = collector(3, true, new Serdes.StringDeserializer());
        assignAndSeek(TP, 0);
        assignAndSeek(OTHER, 100);
        deliver(TP, 0, new Batches().batch(0, 5, Compression.ZSTD).build());
        deliver(OTHER, 100, new Batches().batch(100, 5, Compression.ZSTD).build());

        assertThat(offsets(collector.collect(buffered))).containsExactly(0L, 1L, 2L);
        subscriptions.pause(TP, true);
        assertThat(offsets(collector.collect(buffered))).containsExactly(100L, 101L, 102L);
        subscriptions.pause(TP, false);

        final ConsumerRecords<String, String> next = collector.collect(buffered);
        assertThat(next.records(TP)).extracting(ConsumerRecord::offset).containsExactly(3L, 4L);
        assertThat(next.records(OTHER)).extracting(ConsumerRecord::offset).containsExactly(103L);
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"NONE", "GZIP", "LZ4", "ZSTD"})
    void shouldDecodeEveryCodec(final Compression compression)
    {
        assignAndSeek(TP, 3);
        deliver(TP, 3, new Batches().batch(0, 50, compression).batch(50, 50, compression).build());

        final ConsumerRecords<String, String> records = collector.collect(buffered);

        assertThat(offsets(records)).isEqualTo(range(3, 100));
        assertThat(records.records(TP).get(0).value()).isEqualTo("v3");
    }

    @Test
    void shouldCarryTimestampsHeadersSizesAndLeaderEpoch()
    {
        assignAndSeek(TP, 0);
        final RecordBatchBuilder builder = new RecordBatchBuilder(4096);
        builder.reset(Compression.NONE, 0, 1000).partitionLeaderEpoch(7);
        builder.append(1001, null, Batches.bytes("abc"), new Header[] {Header.of("a", "1"), new Header("b", null)});
        builder.append(1002, Batches.bytes("key"), null);
        final ByteBuffer createTime = ByteBuffer.allocate(builder.build().remaining()).put(builder.build());
        builder.reset(Compression.NONE, 2, 2000).logAppendTime(true);
        builder.append(5000, Batches.bytes("k"), Batches.bytes("v"));
        deliver(TP, 0, new Batches().add(createTime.flip()).add(builder.build()).build());

        final List<ConsumerRecord<String, String>> records = collector.collect(buffered).records(TP);

        final ConsumerRecord<String, String> first = records.get(0);
        assertThat(first.timestamp()).isEqualTo(1001);
        assertThat(first.timestampType()).isEqualTo(TimestampType.CREATE_TIME);
        assertThat(first.key()).isNull();
        assertThat(first.serializedKeySize()).isEqualTo(ConsumerRecord.NULL_SIZE);
        assertThat(first.serializedValueSize()).isEqualTo(3);
        assertThat(first.headers()).containsExactly(Header.of("a", "1"), new Header("b", null));
        assertThat(first.lastHeader("a").value()).isEqualTo("1".getBytes(StandardCharsets.UTF_8));
        assertThat(first.leaderEpoch()).contains(7);
        assertThat(records.get(1).value()).isNull();
        assertThat(records.get(1).serializedValueSize()).isEqualTo(ConsumerRecord.NULL_SIZE);
        assertThat(records.get(2).timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
        assertThat(records.get(2).timestamp()).isEqualTo(5000);
        assertThat(records.get(2).leaderEpoch()).isEmpty();
        builder.close();
    }

    @Test
    void shouldStepOverControlBatchesAndNeverReturnThem()
    {
        assignAndSeek(TP, 0);
        deliver(TP, 0, new Batches().batch(0, 2).controlBatch(2).batch(3, 2).controlBatch(5).build());

        assertThat(offsets(collector.collect(buffered))).containsExactly(0L, 1L, 3L, 4L);
        assertThat(subscriptions.state(TP).position).as("past the trailing marker").isEqualTo(6);
    }

    @Test
    void shouldReturnRecordsBeforeACorruptBatchThenThrowNamingPartitionAndOffsetUntilSeekedPast()
    {
        assignAndSeek(TP, 0);
        final ByteBuffer data = new Batches().batch(0, 3).batch(3, 3).batch(6, 3).build();
        final int second = new RecordBatch(data, 0).sizeInBytes();
        data.put(second + RecordBatch.RECORDS_OFFSET + 3, (byte)(data.get(second + RecordBatch.RECORDS_OFFSET + 3) ^ 0x55));
        deliver(TP, 0, data);

        assertThat(offsets(collector.collect(buffered))).containsExactly(0L, 1L, 2L);
        for (int attempt = 0; attempt < 2; attempt++)
        {
            assertThatThrownBy(() -> collector.collect(buffered))
                .isInstanceOf(OspreyException.class)
                .hasMessageContaining("partition t-0")
                .hasMessageContaining("offset 3")
                .hasMessageContaining("CRC")
                .satisfies(e -> assertThat(((OspreyException)e).errorCode()).isEqualTo(ErrorCode.CORRUPT_MESSAGE));
        }
        assertThat(subscriptions.state(TP).position).isEqualTo(3);

        subscriptions.seek(TP, 6);
        assertThat(collector.collect(buffered).isEmpty()).as("the old generation's data is dropped").isTrue();
        deliver(TP, 6, new Batches().batch(6, 3).build());
        assertThat(offsets(collector.collect(buffered))).containsExactly(6L, 7L, 8L);
    }

    @Test
    void shouldNotVerifyCrcsWhenCheckCrcsIsOff()
    {
        collector = collector(500, false, new Serdes.StringDeserializer());
        assignAndSeek(TP, 0);
        final ByteBuffer data = new Batches().batch(0, 3).build();
        data.putInt(RecordBatch.CRC_OFFSET, 12345);
        deliver(TP, 0, data);

        assertThat(offsets(collector.collect(buffered))).containsExactly(0L, 1L, 2L);
    }

    @Test
    void shouldDropDataFetchedBeforeASeekAndReleaseItsBytes()
    {
        final long oldGeneration = assignAndSeek(TP, 0);
        deliver(TP, 0, new Batches().batch(0, 10).build());
        control.drain();

        subscriptions.seek(TP, 50);
        final ConsumerRecords<String, String> records = collector.collect(buffered);

        assertThat(records.isEmpty()).isTrue();
        assertThat(buffered).isEmpty();
        final FetchControl.Changes changes = control.drain();
        assertThat(changes.releases().get(TP).generation()).isEqualTo(oldGeneration);
        assertThat(changes.positions().get(TP)).isEqualTo(FetchControl.PositionCommand.seek(subscriptions.state(TP).generation, 50));
        assertThat(subscriptions.state(TP).position).isEqualTo(50);
    }

    @Test
    void shouldKeepAPausedPartitionsDataUntilItIsResumed()
    {
        assignAndSeek(TP, 0);
        assignAndSeek(OTHER, 0);
        deliver(TP, 0, new Batches().batch(0, 2).build());
        deliver(OTHER, 0, new Batches().batch(0, 3).build());
        subscriptions.pause(TP, true);

        final ConsumerRecords<String, String> whilePaused = collector.collect(buffered);
        assertThat(whilePaused.partitions()).containsExactly(OTHER);
        assertThat(buffered).hasSize(1);

        subscriptions.pause(TP, false);
        assertThat(collector.collect(buffered).records(TP)).hasSize(2);
    }

    @Test
    void shouldTakeAResetPositionOnlyForTheCurrentGeneration()
    {
        subscriptions.assign(List.of(TP), false);
        final long generation = subscriptions.state(TP).generation;
        buffered.add(CompletedFetch.position(TP, generation - 1, 99));
        buffered.add(CompletedFetch.position(TP, generation, 40));
        buffered.add(CompletedFetch.records(TP, generation, 40, new Batches().batch(40, 2).build()));

        assertThat(offsets(collector.collect(buffered))).containsExactly(40L, 41L);
        assertThat(subscriptions.state(TP).position).isEqualTo(42);
    }

    @Test
    void shouldResolveAPendingPositionForPositionWithoutConsumingData()
    {
        subscriptions.assign(List.of(TP, OTHER), false);
        subscriptions.seek(OTHER, 0);
        buffered.add(CompletedFetch.records(OTHER, subscriptions.state(OTHER).generation, 0, new Batches().batch(0, 2).build()));
        buffered.add(CompletedFetch.position(TP, subscriptions.state(TP).generation, 17));

        assertThat(collector.resolvePositions(buffered, TP)).isNull();

        assertThat(subscriptions.state(TP).position).isEqualTo(17);
        assertThat(subscriptions.state(OTHER).position).as("data is left for poll").isZero();
        assertThat(buffered).hasSize(1);
    }

    @Test
    void shouldThrowOffsetOutOfRangeNamingThePartitionOnEveryPollUntilASeek()
    {
        final long generation = assignAndSeek(TP, 1000);
        buffered.add(CompletedFetch.error(TP, generation, 1000, ErrorCode.OFFSET_OUT_OF_RANGE, "Fetch position 1000 is out of range"));

        for (int attempt = 0; attempt < 2; attempt++)
        {
            assertThatThrownBy(() -> collector.collect(buffered))
                .isInstanceOfSatisfying(OffsetOutOfRangeException.class,
                    e -> assertThat(e.offsetOutOfRangePartitions()).containsEntry(TP, 1000L));
        }
        subscriptions.seek(TP, 0);
        assertThat(collector.collect(buffered).isEmpty()).isTrue();
        assertThat(buffered).isEmpty();
    }

    @Test
    void shouldReturnRecordsOfOtherPartitionsCollectedBeforeAnError()
    {
        assignAndSeek(OTHER, 0);
        final long generation = assignAndSeek(TP, 5);
        deliver(OTHER, 0, new Batches().batch(0, 2).build());
        buffered.add(CompletedFetch.error(TP, generation, 5, ErrorCode.TOPIC_AUTHORIZATION_FAILED, "not allowed"));

        assertThat(collector.collect(buffered).count()).isEqualTo(2);
        assertThatThrownBy(() -> collector.collect(buffered)).isInstanceOf(OspreyException.class).hasMessage("not allowed");
    }

    @Test
    void shouldKeepThePositionAtARecordTheDeserializerRefused()
    {
        collector = collector(500, true, (topic, data) ->
        {
            final String s = new String(data, StandardCharsets.UTF_8);
            if (s.equals("v4"))
            {
                throw new IllegalArgumentException("cannot read v4");
            }
            return s;
        });
        assignAndSeek(TP, 0);
        deliver(TP, 0, new Batches().batch(0, 8, Compression.LZ4).build());

        assertThat(offsets(collector.collect(buffered))).containsExactly(0L, 1L, 2L, 3L);
        for (int attempt = 0; attempt < 2; attempt++)
        {
            assertThatThrownBy(() -> collector.collect(buffered))
                .isInstanceOfSatisfying(RecordDeserializationException.class, e ->
                {
                    assertThat(e.partition()).isEqualTo(TP);
                    assertThat(e.offset()).isEqualTo(4);
                })
                .hasMessageContaining("value");
        }
        assertThat(subscriptions.state(TP).position).isEqualTo(4);

        subscriptions.seek(TP, 5);
        deliver(TP, 5, new Batches().batch(0, 8, Compression.LZ4).build());
        assertThat(offsets(collector.collect(buffered))).containsExactly(5L, 6L, 7L);
    }

    @Test
    void shouldRefetchFromThePositionWhenDataDoesNotStartThere()
    {
        final long generation = assignAndSeek(TP, 10);
        buffered.add(CompletedFetch.records(TP, generation, 20, new Batches().batch(20, 2).build()));
        control.drain();

        assertThat(collector.collect(buffered).isEmpty()).isTrue();

        assertThat(subscriptions.state(TP).generation).isGreaterThan(generation);
        assertThat(control.drain().positions().get(TP).offset()).isEqualTo(10);
    }
}
