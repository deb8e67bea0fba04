package io.osprey.protocol;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.function.IntFunction;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.osprey.protocol.message.AlterPartitionReassignmentsRequest;
import io.osprey.protocol.message.AlterPartitionReassignmentsResponse;
import io.osprey.protocol.message.CreatePartitionsRequest;
import io.osprey.protocol.message.CreatePartitionsResponse;
import io.osprey.protocol.message.CreateTopicsRequest;
import io.osprey.protocol.message.CreateTopicsResponse;
import io.osprey.protocol.message.DeleteTopicsRequest;
import io.osprey.protocol.message.DeleteTopicsResponse;
import io.osprey.protocol.message.DescribeClusterRequest;
import io.osprey.protocol.message.DescribeClusterResponse;
import io.osprey.protocol.message.DescribeConfigsRequest;
import io.osprey.protocol.message.DescribeConfigsResponse;
import io.osprey.protocol.message.DescribeLogDirsRequest;
import io.osprey.protocol.message.DescribeLogDirsResponse;
import io.osprey.protocol.message.ElectLeadersRequest;
import io.osprey.protocol.message.ElectLeadersResponse;
import io.osprey.protocol.message.IncrementalAlterConfigsRequest;
import io.osprey.protocol.message.IncrementalAlterConfigsResponse;
import io.osprey.protocol.message.ListPartitionReassignmentsRequest;
import io.osprey.protocol.message.ListPartitionReassignmentsResponse;

/**
 * Malformed admin messages end in {@link ProtocolException}, never IndexOutOfBounds,
 * BufferUnderflow or a huge allocation: every message cut at every position, and every byte
 * overwritten with values that make hostile lengths and varints.
 */
class AdminTruncationTest
{
    /** One message type: its API, a fixture per version and Osprey's decoder. */
    private record Codec(String name, ApiKey key, IntFunction<Message> fixture, AdminWire.OspreyDecoder<?> decoder)
    {
    }

    private static final Codec[] CODECS = {
        new Codec("CreateTopicsRequest", ApiKey.CREATE_TOPICS, v -> CreateTopicsMessageTest.request((short)v), CreateTopicsRequest::read),
        new Codec("CreateTopicsResponse", ApiKey.CREATE_TOPICS, v -> CreateTopicsMessageTest.response((short)v), CreateTopicsResponse::read),
        new Codec("DeleteTopicsRequest", ApiKey.DELETE_TOPICS, v -> DeleteTopicsMessageTest.request((short)v), DeleteTopicsRequest::read),
        new Codec("DeleteTopicsResponse", ApiKey.DELETE_TOPICS, v -> DeleteTopicsMessageTest.response((short)v), DeleteTopicsResponse::read),
        new Codec("CreatePartitionsRequest", ApiKey.CREATE_PARTITIONS, v -> CreatePartitionsMessageTest.request((short)v),
            CreatePartitionsRequest::read),
        new Codec("CreatePartitionsResponse", ApiKey.CREATE_PARTITIONS, v -> CreatePartitionsMessageTest.response((short)v),
            CreatePartitionsResponse::read),
        new Codec("DescribeConfigsRequest", ApiKey.DESCRIBE_CONFIGS, v -> DescribeConfigsMessageTest.request((short)v),
            DescribeConfigsRequest::read),
        new Codec("DescribeConfigsResponse", ApiKey.DESCRIBE_CONFIGS, v -> DescribeConfigsMessageTest.response((short)v),
            DescribeConfigsResponse::read),
        new Codec("IncrementalAlterConfigsRequest", ApiKey.INCREMENTAL_ALTER_CONFIGS,
            v -> IncrementalAlterConfigsMessageTest.request((short)v), IncrementalAlterConfigsRequest::read),
        new Codec("IncrementalAlterConfigsResponse", ApiKey.INCREMENTAL_ALTER_CONFIGS,
            v -> IncrementalAlterConfigsMessageTest.response((short)v), IncrementalAlterConfigsResponse::read),
        new Codec("DescribeClusterRequest", ApiKey.DESCRIBE_CLUSTER, v -> DescribeClusterMessageTest.request((short)v),
            DescribeClusterRequest::read),
        new Codec("DescribeClusterResponse", ApiKey.DESCRIBE_CLUSTER, v -> DescribeClusterMessageTest.response((short)v, true),
            DescribeClusterResponse::read),
        new Codec("DescribeLogDirsRequest", ApiKey.DESCRIBE_LOG_DIRS, v -> DescribeLogDirsMessageTest.request((short)v),
            DescribeLogDirsRequest::read),
        new Codec("DescribeLogDirsResponse", ApiKey.DESCRIBE_LOG_DIRS, v -> DescribeLogDirsMessageTest.response((short)v),
            DescribeLogDirsResponse::read),
        new Codec("ElectLeadersRequest", ApiKey.ELECT_LEADERS, v -> ElectLeadersMessageTest.request((short)v), ElectLeadersRequest::read),
        new Codec("ElectLeadersResponse", ApiKey.ELECT_LEADERS, v -> ElectLeadersMessageTest.response((short)v), ElectLeadersResponse::read),
        new Codec("AlterPartitionReassignmentsRequest", ApiKey.ALTER_PARTITION_REASSIGNMENTS,
            v -> AlterPartitionReassignmentsMessageTest.request((short)v), AlterPartitionReassignmentsRequest::read),
        new Codec("AlterPartitionReassignmentsResponse", ApiKey.ALTER_PARTITION_REASSIGNMENTS,
            v -> AlterPartitionReassignmentsMessageTest.response((short)v), AlterPartitionReassignmentsResponse::read),
        new Codec("ListPartitionReassignmentsRequest", ApiKey.LIST_PARTITION_REASSIGNMENTS,
            v -> ListPartitionReassignmentsMessageTest.request((short)v), ListPartitionReassignmentsRequest::read),
        new Codec("ListPartitionReassignmentsResponse", ApiKey.LIST_PARTITION_REASSIGNMENTS,
            v -> ListPartitionReassignmentsMessageTest.response((short)v), ListPartitionReassignmentsResponse::read),
    };

    /** Every message type at every version it is served in. */
    static Stream<Arguments> cases()
    {
        return Stream.of(CODECS).flatMap(c -> AdminWire.versions(c.key()).mapToObj(v -> Arguments.of(c.name(), v, c)));
    }

    @ParameterizedTest(name = "{0} v{1}")
    @MethodSource("cases")
    void everyTruncationThrowsProtocolException(final String name, final int v, final Codec codec)
    {
        final short version = (short)v;
        final ByteBuffer whole = AdminWire.ospreyWrite(codec.fixture().apply(v), codec.key(), version);
        for (int cut = 0; cut < whole.remaining(); cut++)
        {
            final ByteBuffer truncated = whole.duplicate().limit(cut).slice();
            final int at = cut;
            assertThatThrownBy(() -> codec.decoder().read(new ProtocolReader(truncated, codec.key().isFlexible(version)), version))
                .as("%s v%d cut at %d of %d", name, v, at, whole.remaining())
                .isInstanceOf(ProtocolException.class);
        }
    }

    @ParameterizedTest(name = "{0} v{1}")
    @MethodSource("cases")
    void corruptBytesReadOrThrowProtocolException(final String name, final int v, final Codec codec)
    {
        final short version = (short)v;
        final ByteBuffer whole = AdminWire.ospreyWrite(codec.fixture().apply(v), codec.key(), version);
        for (int i = 0; i < whole.remaining(); i++)
        {
            for (final byte b : new byte[] {(byte)0xFF, (byte)0x80, (byte)0x7F, 0})
            {
                final ByteBuffer corrupt = ByteBuffer.allocate(whole.remaining()).put(whole.duplicate()).flip();
                corrupt.put(i, b);
                final int at = i;
                assertThatCode(() ->
                {
                    try
                    {
                        codec.decoder().read(new ProtocolReader(corrupt, codec.key().isFlexible(version)), version);
                    }
                    catch (final ProtocolException expected)
                    {
                        // Rejected as malformed: fine.
                    }
                })
                    .as("%s v%d with byte %d set to %d", name, v, at, b)
                    .doesNotThrowAnyException();
            }
        }
    }
}
