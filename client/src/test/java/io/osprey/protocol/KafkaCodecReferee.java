package io.osprey.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.stream.IntStream;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.protocol.Readable;
import org.apache.kafka.common.record.internal.SimpleRecord;

/**
 * Kafka's generated message classes (kafka-clients, test scope) as the referee for Osprey's
 * codecs: what Osprey writes, Kafka must read as the expected message and the reverse, and
 * both must produce the same bytes.
 */
final class KafkaCodecReferee
{
    private KafkaCodecReferee()
    {
    }

    static IntStream versions(final ApiKey key)
    {
        return IntStream.rangeClosed(key.oldest, key.latest);
    }

    static ByteBuffer ospreyBytes(final Message message, final ApiKey key, final short version)
    {
        final ProtocolWriter w = new ProtocolWriter(16).flexible(key.isFlexible(version));
        message.write(w, version);
        return w.toByteBuffer();
    }

    static ByteBuffer kafkaBytes(final ApiMessage message, final short version)
    {
        return MessageUtil.toByteBufferAccessor(message, version).buffer();
    }

    static byte[] array(final ByteBuffer b)
    {
        final byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    /** Osprey writes {@code osprey}; Kafka must read exactly {@code expected}, from the same bytes Kafka writes for it. */
    static <K extends ApiMessage> void ospreyToKafka(final ApiKey key, final short version, final Message osprey, final K expected,
        final BiFunction<Readable, Short, K> kafkaReader)
    {
        final ByteBuffer written = ospreyBytes(osprey, key, version);
        final ByteBufferAccessor accessor = new ByteBufferAccessor(written.duplicate());
        final K read = kafkaReader.apply(accessor, version);
        assertThat(accessor.remaining()).as("bytes Kafka left unread").isZero();
        assertThat(read).isEqualTo(expected);
        assertThat(array(written)).as("Osprey's encoding equals Kafka's").isEqualTo(array(kafkaBytes(expected, version)));
    }

    /** Kafka writes {@code kafka}; Osprey must read exactly {@code expected} and write the same bytes back. */
    static <O extends Message> void kafkaToOsprey(final ApiKey key, final short version, final ApiMessage kafka, final O expected,
        final BiFunction<ProtocolReader, Short, O> ospreyReader)
    {
        final ByteBuffer written = kafkaBytes(kafka, version);
        final ProtocolReader r = new ProtocolReader(written.duplicate(), key.isFlexible(version));
        final O read = ospreyReader.apply(r, version);
        assertThat(r.remaining()).as("bytes Osprey left unread").isZero();
        assertThat(read).isEqualTo(expected);
        assertThat(array(ospreyBytes(read, key, version))).as("Osprey re-encodes Kafka's bytes").isEqualTo(array(written));
    }

    static Uuid kafkaUuid(final UUID u)
    {
        return new Uuid(u.getMostSignificantBits(), u.getLeastSignificantBits());
    }

    /** A real magic-2 batch made by Kafka, as bytes. */
    static byte[] batch(final long baseOffset, final String... values)
    {
        final SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++)
        {
            records[i] = new SimpleRecord(1_700_000_000_000L + i, ("k" + i).getBytes(), values[i].getBytes());
        }
        return array(org.apache.kafka.common.record.internal.MemoryRecords.withRecords(baseOffset, Compression.NONE, records).buffer());
    }

    static MemoryRecords ospreyRecords(final byte[] bytes)
    {
        return bytes == null ? null : new MemoryRecords(ByteBuffer.wrap(bytes));
    }

    static org.apache.kafka.common.record.internal.MemoryRecords kafkaRecords(final Records records)
    {
        if (records == null)
        {
            return null;
        }
        return org.apache.kafka.common.record.internal.MemoryRecords.readableRecords(((MemoryRecords)records).buffer().duplicate());
    }
}
