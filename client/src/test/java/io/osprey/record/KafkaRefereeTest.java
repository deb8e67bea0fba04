package io.osprey.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;

/**
 * Kafka's own record code (kafka-clients, test scope) as the referee: what Osprey builds, Kafka
 * must read and validate, and what Kafka builds, Osprey must read with a valid CRC.
 */
class KafkaRefereeTest
{
    private final RecordBatchBuilder builder = new RecordBatchBuilder(1 << 20);
    private final RecordBatchReader reader = new RecordBatchReader();

    @AfterProperty
    void close()
    {
        builder.close();
        reader.close();
    }

    @Provide
    Arbitrary<Compression> codecs()
    {
        return Arbitraries.of(Compression.NONE, Compression.GZIP, Compression.LZ4, Compression.ZSTD);
    }

    @Provide
    Arbitrary<List<TestRecord>> recordLists()
    {
        return TestRecord.recordLists();
    }

    @Provide
    Arbitrary<BatchSpec> specs()
    {
        return BatchSpec.specs();
    }

    @Property(tries = 200)
    void kafkaReadsWhatOspreyBuilds(@ForAll("codecs") final Compression compression, @ForAll("specs") final BatchSpec spec,
        @ForAll("recordLists") final List<TestRecord> records)
    {
        final ByteBuffer built = spec.build(builder, compression, records, false);
        // Kafka may move the buffer's position; give it its own copy.
        final ByteBuffer copy = ByteBuffer.allocate(built.remaining()).put(built.duplicate()).flip();
        final MemoryRecords memoryRecords = MemoryRecords.readableRecords(copy);

        final Iterator<MutableRecordBatch> batches = memoryRecords.batches().iterator();
        assertThat(batches.hasNext()).isTrue();
        final MutableRecordBatch batch = batches.next();
        assertThat(batches.hasNext()).isFalse();
        batch.ensureValid();

        assertThat(batch.magic()).isEqualTo((byte)2);
        assertThat((int)batch.compressionType().id).isEqualTo(compression.id);
        assertThat(batch.baseOffset()).isEqualTo(spec.baseOffset());
        assertThat(batch.lastOffset()).isEqualTo(spec.baseOffset() + records.size() - 1);
        assertThat(batch.countOrNull()).isEqualTo(records.size());
        assertThat(batch.partitionLeaderEpoch()).isEqualTo(spec.partitionLeaderEpoch());
        assertThat(batch.producerId()).isEqualTo(spec.producerId());
        assertThat(batch.producerEpoch()).isEqualTo(spec.producerEpoch());
        assertThat(batch.baseSequence()).isEqualTo(spec.baseSequence());
        assertThat(batch.lastSequence()).isEqualTo(new RecordBatch(built, 0).lastSequence());
        assertThat(batch.isTransactional()).isEqualTo(spec.transactional());
        assertThat(batch.timestampType()).isEqualTo(spec.logAppendTime() ? TimestampType.LOG_APPEND_TIME : TimestampType.CREATE_TIME);
        assertThat(batch.maxTimestamp()).isEqualTo(TestRecord.maxTimestamp(records));
        assertThat(batch.checksum()).isEqualTo(new RecordBatch(built, 0).checksum());

        final List<TestRecord> read = new ArrayList<>();
        long expectedOffset = spec.baseOffset();
        for (final org.apache.kafka.common.record.internal.Record r : batch)
        {
            assertThat(r.offset()).isEqualTo(expectedOffset++);
            read.add(new TestRecord(r.timestamp(), bytes(r.key()), bytes(r.value()), headers(r.headers())));
        }
        assertThat(read).containsExactlyElementsOf(spec.expected(records));
    }

    @Property(tries = 200)
    void ospreyReadsWhatKafkaBuilds(@ForAll("codecs") final Compression compression, @ForAll("specs") final BatchSpec spec,
        @ForAll("recordLists") final List<TestRecord> records)
    {
        // Kafka's builder stamps log-append-time batches with the time it is given, so create time here;
        // the log-append-time case has its own example below.
        final BatchSpec createTime = new BatchSpec(spec.baseOffset(), spec.partitionLeaderEpoch(), spec.producerId(),
            spec.producerEpoch(), spec.baseSequence(), spec.transactional(), false);
        final ByteBuffer kafkaBatch = buildWithKafka(compression, createTime, TimestampType.CREATE_TIME, RecordBatch.NO_TIMESTAMP, records);

        final RecordBatch header = reader.wrap(kafkaBatch, 0).batch();
        assertThat(header.isChecksumValid()).isTrue();
        assertThat(header.sizeInBytes()).isEqualTo(kafkaBatch.limit());
        assertThat(header.compression()).isEqualTo(compression);
        assertThat(header.baseOffset()).isEqualTo(spec.baseOffset());
        assertThat(header.recordCount()).isEqualTo(records.size());
        assertThat(header.lastOffsetDelta()).isEqualTo(records.size() - 1);
        assertThat(header.maxTimestamp()).isEqualTo(TestRecord.maxTimestamp(records));
        assertThat(header.producerId()).isEqualTo(spec.producerId());
        assertThat(header.producerEpoch()).isEqualTo(spec.producerEpoch());
        assertThat(header.baseSequence()).isEqualTo(spec.baseSequence());
        assertThat(header.isTransactional()).isEqualTo(spec.transactional());
        assertThat(header.partitionLeaderEpoch()).isEqualTo(spec.partitionLeaderEpoch());
        assertThat(BatchSpec.readAll(reader, kafkaBatch)).containsExactlyElementsOf(records);
    }

    @Property(tries = 20)
    void logAppendTimeBatchesFromKafkaReportTheAppendTimeForEveryRecord(@ForAll("codecs") final Compression compression,
        @ForAll("recordLists") final List<TestRecord> records)
    {
        final long appendTime = 1_700_000_000_000L;
        final ByteBuffer kafkaBatch = buildWithKafka(compression, BatchSpec.PLAIN, TimestampType.LOG_APPEND_TIME, appendTime, records);

        final RecordBatchReader r = reader.wrap(kafkaBatch, 0);
        assertThat(r.batch().isLogAppendTime()).isTrue();
        assertThat(r.batch().isChecksumValid()).isTrue();
        int count = 0;
        while (r.hasNext())
        {
            assertThat(r.next().timestamp()).isEqualTo(appendTime);
            count++;
        }
        assertThat(count).isEqualTo(records.size());
    }

    static ByteBuffer buildWithKafka(final Compression compression, final BatchSpec spec, final TimestampType timestampType,
        final long logAppendTime, final List<TestRecord> records)
    {
        final MemoryRecordsBuilder kafka = MemoryRecords.builder(ByteBuffer.allocate(1024), RecordBatch.MAGIC,
            kafkaCompression(compression), timestampType, spec.baseOffset(), logAppendTime, spec.producerId(), spec.producerEpoch(),
            spec.baseSequence(), spec.transactional(), spec.partitionLeaderEpoch());
        for (final TestRecord r : records)
        {
            kafka.append(r.timestamp(), r.key(), r.value(), kafkaHeaders(r.headers()));
        }
        return kafka.build().buffer();
    }

    static org.apache.kafka.common.compress.Compression kafkaCompression(final Compression compression)
    {
        return switch (compression)
        {
            case NONE -> org.apache.kafka.common.compress.Compression.NONE;
            case GZIP -> org.apache.kafka.common.compress.Compression.gzip().build();
            case LZ4 -> org.apache.kafka.common.compress.Compression.lz4().build();
            case ZSTD -> org.apache.kafka.common.compress.Compression.zstd().build();
            case SNAPPY -> org.apache.kafka.common.compress.Compression.snappy().build();
        };
    }

    private static org.apache.kafka.common.header.Header[] kafkaHeaders(final Header[] headers)
    {
        final org.apache.kafka.common.header.Header[] out = new org.apache.kafka.common.header.Header[headers.length];
        for (int i = 0; i < headers.length; i++)
        {
            out[i] = new RecordHeader(headers[i].key(), headers[i].value());
        }
        return out;
    }

    private static Header[] headers(final org.apache.kafka.common.header.Header[] headers)
    {
        final Header[] out = new Header[headers.length];
        for (int i = 0; i < headers.length; i++)
        {
            out[i] = new Header(headers[i].key(), headers[i].value());
        }
        return out;
    }

    private static byte[] bytes(final ByteBuffer buffer)
    {
        if (buffer == null)
        {
            return null;
        }
        final byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
