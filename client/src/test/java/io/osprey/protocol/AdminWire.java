package io.osprey.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.UUID;
import java.util.stream.IntStream;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.protocol.Readable;

/**
 * Referee plumbing for the admin message tests: Osprey's codecs on one side, Kafka's generated
 * {@code *Data} classes (kafka-clients, test scope) on the other.
 */
final class AdminWire
{
    /** Osprey's static {@code read(ProtocolReader, short)}. */
    @FunctionalInterface
    interface OspreyDecoder<T>
    {
        T read(ProtocolReader r, short version);
    }

    /** A Kafka {@code *Data(Readable, short)} constructor. */
    @FunctionalInterface
    interface KafkaDecoder<T extends ApiMessage>
    {
        T read(Readable r, short version);
    }

    private AdminWire()
    {
    }

    static IntStream versions(final ApiKey key)
    {
        return IntStream.rangeClosed(key.oldest, key.latest);
    }

    /** The body as Osprey writes it. */
    static ByteBuffer ospreyWrite(final Message message, final ApiKey key, final short version)
    {
        final ProtocolWriter w = new ProtocolWriter(16).flexible(key.isFlexible(version));
        message.write(w, version);
        return w.toByteBuffer();
    }

    /** The body as Kafka writes it. */
    static ByteBuffer kafkaWrite(final ApiMessage data, final short version)
    {
        return MessageUtil.toByteBufferAccessor(data, version).buffer();
    }

    /** Osprey reads the whole of {@code bytes}. */
    static <T> T ospreyRead(final ByteBuffer bytes, final ApiKey key, final short version, final OspreyDecoder<T> decoder)
    {
        final ByteBuffer copy = bytes.duplicate();
        final T message = decoder.read(new ProtocolReader(copy, key.isFlexible(version)), version);
        assertThat(copy.remaining()).as("bytes left after Osprey's read").isZero();
        return message;
    }

    /** Kafka reads the whole of {@code bytes}. */
    static <T extends ApiMessage> T kafkaRead(final ByteBuffer bytes, final short version, final KafkaDecoder<T> decoder)
    {
        final ByteBufferAccessor accessor = new ByteBufferAccessor(bytes.duplicate());
        final T data = decoder.read(accessor, version);
        assertThat(accessor.remaining()).as("bytes left after Kafka's read").isZero();
        return data;
    }

    /** Kafka decodes the bytes Osprey writes for {@code message} into {@code expected}. */
    static <D extends ApiMessage> void assertKafkaReads(final Message message, final D expected, final ApiKey key,
        final short version, final KafkaDecoder<D> kafkaDecoder)
    {
        final ByteBuffer ospreyBytes = ospreyWrite(message, key, version);
        assertThat(kafkaRead(ospreyBytes, version, kafkaDecoder)).as("Kafka reading Osprey's v%d", version).isEqualTo(expected);
    }

    /**
     * Osprey decodes Kafka's encoding of {@code data} into {@code expected}, and Osprey's own
     * encoding of {@code expected} is byte-identical to Kafka's.
     */
    static <M extends Message> void assertOspreyReads(final ApiMessage data, final M expected, final ApiKey key,
        final short version, final OspreyDecoder<M> ospreyDecoder)
    {
        final ByteBuffer kafkaBytes = kafkaWrite(data, version);
        assertThat(ospreyRead(kafkaBytes, key, version, ospreyDecoder)).as("Osprey reading Kafka's v%d", version).isEqualTo(expected);
        assertThat(bytes(ospreyWrite(expected, key, version))).as("encodings of v%d", version).isEqualTo(bytes(kafkaBytes));
    }

    static byte[] bytes(final ByteBuffer b)
    {
        final byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    static Uuid kafka(final UUID id)
    {
        return new Uuid(id.getMostSignificantBits(), id.getLeastSignificantBits());
    }

    static UUID osprey(final Uuid id)
    {
        return new UUID(id.getMostSignificantBits(), id.getLeastSignificantBits());
    }
}
