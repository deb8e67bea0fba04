package io.osprey.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.stream.IntStream;

import org.apache.kafka.common.protocol.ApiMessage;

/**
 * Referee plumbing for the consumer-group message tests, as {@link AdminWire}. None of these schemas has
 * tagged fields, so Osprey's encoding must always equal Kafka's byte for byte.
 */
final class GroupWire
{
    private GroupWire()
    {
    }

    static IntStream versions(final ApiKey api)
    {
        return IntStream.rangeClosed(api.oldest, api.latest);
    }

    static byte[] utf8(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static ByteBuffer ospreyWrite(final Message message, final ApiKey api, final short version)
    {
        final ProtocolWriter w = new ProtocolWriter(16).flexible(api.isFlexible(version));
        message.write(w, version);
        return w.toByteBuffer();
    }

    static <T> T ospreyRead(final ByteBuffer bytes, final ApiKey api, final short version,
        final AdminWire.OspreyDecoder<T> decoder)
    {
        final ByteBuffer copy = bytes.duplicate();
        final T message = decoder.read(new ProtocolReader(copy, api.isFlexible(version)), version);
        assertThat(copy.remaining()).as("bytes left after Osprey's read").isZero();
        return message;
    }

    /** Kafka decodes Osprey's bytes for {@code message} into {@code expected}, and they equal Kafka's own encoding of it. */
    static <D extends ApiMessage> void assertKafkaReads(final Message message, final D expected, final ApiKey api,
        final short version, final AdminWire.KafkaDecoder<D> kafkaDecoder)
    {
        final ByteBuffer ospreyBytes = ospreyWrite(message, api, version);
        assertThat(AdminWire.kafkaRead(ospreyBytes, version, kafkaDecoder)).as("Kafka reading Osprey's v%d", version).isEqualTo(expected);
        assertThat(AdminWire.bytes(ospreyBytes)).as("encodings of v%d", version)
            .isEqualTo(AdminWire.bytes(AdminWire.kafkaWrite(expected, version)));
    }

    /** Osprey decodes Kafka's encoding of {@code data} into {@code expected} and writes it back byte-identically. */
    static <M extends Message> void assertOspreyReads(final ApiMessage data, final M expected, final ApiKey api,
        final short version, final AdminWire.OspreyDecoder<M> ospreyDecoder)
    {
        final ByteBuffer kafkaBytes = AdminWire.kafkaWrite(data, version);
        final M read = ospreyRead(kafkaBytes, api, version, ospreyDecoder);
        assertThat(read).as("Osprey reading Kafka's v%d", version).isEqualTo(expected);
        assertThat(AdminWire.bytes(ospreyWrite(read, api, version))).as("encodings of v%d", version)
            .isEqualTo(AdminWire.bytes(kafkaBytes));
    }
}
