package io.osprey.protocol;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.function.IntFunction;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.osprey.protocol.message.JoinGroupRequest;
import io.osprey.protocol.message.OffsetCommitRequest;
import io.osprey.protocol.message.OffsetFetchRequest;
import io.osprey.protocol.message.SyncGroupRequest;

/**
 * The consumer-group requests a broker decodes on the hot path, cut at every byte position,
 * end in {@link ProtocolException}, never IndexOutOfBounds or BufferUnderflow.
 */
class GroupTruncationTest
{
    /** One request type: its API, a fixture per version and Osprey's decoder. */
    private record Codec(String name, ApiKey api, IntFunction<Message> fixture, AdminWire.OspreyDecoder<?> decoder)
    {
    }

    private static final Codec[] CODECS = {
        new Codec("JoinGroupRequest", ApiKey.JOIN_GROUP, v -> JoinGroupMessageTest.request((short)v), JoinGroupRequest::read),
        new Codec("SyncGroupRequest", ApiKey.SYNC_GROUP, v -> SyncGroupMessageTest.request((short)v), SyncGroupRequest::read),
        new Codec("OffsetCommitRequest", ApiKey.OFFSET_COMMIT, v -> OffsetCommitMessageTest.request((short)v),
            OffsetCommitRequest::read),
        new Codec("OffsetFetchRequest", ApiKey.OFFSET_FETCH, v -> OffsetFetchMessageTest.request((short)v), OffsetFetchRequest::read),
    };

    static Stream<Arguments> cases()
    {
        return Stream.of(CODECS).flatMap(c -> GroupWire.versions(c.api()).mapToObj(v -> Arguments.of(c.name(), v, c)));
    }

    @ParameterizedTest(name = "{0} v{1}")
    @MethodSource("cases")
    void everyTruncationThrowsProtocolException(final String name, final int v, final Codec codec)
    {
        final short version = (short)v;
        final ByteBuffer whole = GroupWire.ospreyWrite(codec.fixture().apply(v), codec.api(), version);
        for (int cut = 0; cut < whole.remaining(); cut++)
        {
            final ByteBuffer truncated = whole.duplicate().limit(cut);
            final int at = cut;
            assertThatThrownBy(() -> codec.decoder().read(new ProtocolReader(truncated, codec.api().isFlexible(version)), version))
                .as("%s v%d cut at %d of %d", name, v, at, whole.remaining())
                .isInstanceOf(ProtocolException.class);
        }
    }
}
