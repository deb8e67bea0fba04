package io.osprey.protocol;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.osprey.protocol.message.FetchRequest;
import io.osprey.protocol.message.FetchResponse;
import io.osprey.protocol.message.InitProducerIdRequest;
import io.osprey.protocol.message.InitProducerIdResponse;
import io.osprey.protocol.message.ListOffsetsRequest;
import io.osprey.protocol.message.ListOffsetsResponse;
import io.osprey.protocol.message.MetadataRequest;
import io.osprey.protocol.message.MetadataResponse;
import io.osprey.protocol.message.ProduceRequest;
import io.osprey.protocol.message.ProduceResponse;

/**
 * Truncated or corrupted input must fail with {@link ProtocolException}: never an
 * IndexOutOfBounds, BufferUnderflow, NullPointer or a huge allocation.
 */
class MalformedMessageTest
{
    /** One message type: how to build a sample of a version and how to read it back. */
    private record Codec(String name, ApiKey key, Function<Short, Message> sample, BiFunction<ProtocolReader, Short, Object> reader)
    {
        @Override
        public String toString()
        {
            return name;
        }
    }

    private static final Codec[] CODECS = {
        new Codec("MetadataRequest", ApiKey.METADATA, MetadataCodecTest::request, MetadataRequest::read),
        new Codec("MetadataResponse", ApiKey.METADATA, MetadataCodecTest::response, MetadataResponse::read),
        new Codec("ProduceRequest", ApiKey.PRODUCE, ProduceCodecTest::request, ProduceRequest::read),
        new Codec("ProduceResponse", ApiKey.PRODUCE, ProduceCodecTest::response, ProduceResponse::read),
        new Codec("FetchRequest", ApiKey.FETCH, FetchCodecTest::request, FetchRequest::read),
        new Codec("FetchResponse", ApiKey.FETCH, FetchCodecTest::response, FetchResponse::read),
        new Codec("ListOffsetsRequest", ApiKey.LIST_OFFSETS, ListOffsetsCodecTest::request, ListOffsetsRequest::read),
        new Codec("ListOffsetsResponse", ApiKey.LIST_OFFSETS, ListOffsetsCodecTest::response, ListOffsetsResponse::read),
        new Codec("InitProducerIdRequest", ApiKey.INIT_PRODUCER_ID, InitProducerIdCodecTest::request, InitProducerIdRequest::read),
        new Codec("InitProducerIdResponse", ApiKey.INIT_PRODUCER_ID, v -> InitProducerIdCodecTest.response(),
            InitProducerIdResponse::read),
    };

    static Stream<Arguments> codecVersions()
    {
        return Stream.of(CODECS).flatMap(c -> KafkaCodecReferee.versions(c.key()).mapToObj(v -> Arguments.of(c, (short)v)));
    }

    private static ByteBuffer encode(final Codec c, final short v)
    {
        return KafkaCodecReferee.ospreyBytes(c.sample().apply(v), c.key(), v);
    }

    @ParameterizedTest(name = "{0} v{1}")
    @MethodSource("codecVersions")
    void everyTruncationIsAProtocolException(final Codec c, final short v)
    {
        final byte[] whole = KafkaCodecReferee.array(encode(c, v));
        for (int cut = 0; cut < whole.length; cut++)
        {
            final ByteBuffer truncated = ByteBuffer.wrap(whole, 0, cut).slice();
            final ProtocolReader r = new ProtocolReader(truncated, c.key().isFlexible(v));
            final int at = cut;
            assertThatThrownBy(() -> c.reader().apply(r, v)).as("cut at %d of %d", at, whole.length)
                .isInstanceOf(ProtocolException.class);
        }
    }

    @ParameterizedTest(name = "{0} v{1}")
    @MethodSource("codecVersions")
    void corruptedBytesFailOnlyWithProtocolException(final Codec c, final short v)
    {
        final byte[] whole = KafkaCodecReferee.array(encode(c, v));
        final Random random = new Random(31L * c.name().hashCode() + v);
        for (int trial = 0; trial < 300; trial++)
        {
            final byte[] corrupt = whole.clone();
            final int changes = 1 + random.nextInt(3);
            for (int i = 0; i < changes; i++)
            {
                final int pos = random.nextInt(corrupt.length);
                corrupt[pos] = random.nextBoolean() ? (byte)random.nextInt() : (byte)0xff;
            }
            try
            {
                c.reader().apply(new ProtocolReader(ByteBuffer.wrap(corrupt), c.key().isFlexible(v)), v);
            }
            catch (final ProtocolException expected)
            {
                // Fine: rejected as malformed.
            }
            catch (final RuntimeException | OutOfMemoryError e)
            {
                fail("trial " + trial + " threw " + e, e);
            }
        }
    }

    @Test
    void hugeArrayLengthIsRejectedBeforeAllocating()
    {
        final ByteBuffer b = ByteBuffer.allocate(16);
        b.putInt(-1).putShort((short)1).putInt(30_000).putInt(Integer.MAX_VALUE).flip();
        // ProduceRequest v3: null transactional id, acks, timeout, then a topic count of 2^31-1.
        assertThatThrownBy(() -> ProduceRequest.read(new ProtocolReader(b.position(2), false), (short)3))
            .isInstanceOf(ProtocolException.class);
    }

    @Test
    void taggedFieldLongerThanTheMessageIsRejected()
    {
        final ProtocolWriter w = new ProtocolWriter().flexible(true);
        // FetchResponse v12: throttle, error, session, no topics, then one tagged field claiming 100 bytes.
        w.writeInt(0);
        w.writeShort(0);
        w.writeInt(0);
        w.writeArrayLength(0);
        w.writeUnsignedVarint(1);
        w.writeUnsignedVarint(0);
        w.writeUnsignedVarint(100);
        final ByteBuffer b = w.toByteBuffer();
        assertThatThrownBy(() -> FetchResponse.read(new ProtocolReader(b, true), (short)12)).isInstanceOf(ProtocolException.class);
    }
}
