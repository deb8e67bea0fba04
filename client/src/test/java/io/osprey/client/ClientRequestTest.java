package io.osprey.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.osprey.protocol.ApiKey;
import io.osprey.protocol.MemoryRecords;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.RequestHeader;
import io.osprey.protocol.message.ProduceRequest;

/**
 * A request's encoding as the socket sees it: the produce records are parts of their own (not
 * copied), and the size prefix is right even when the encoded fields after a records part grew
 * the writer into a new buffer.
 */
class ClientRequestTest
{
    @Test
    void produceRequestWithRecordsByReferenceDecodesWholeAtEveryFlexibleAndOlderVersion()
    {
        for (final short version : new short[] {3, 8, 9, ApiKey.PRODUCE.latest})
        {
            // 60 partitions: the fields written after the first records part outgrow the writer's 256 initial bytes.
            final List<ProduceRequest.PartitionData> partitions = new ArrayList<>();
            final List<ByteBuffer> originals = new ArrayList<>();
            for (int p = 0; p < 60; p++)
            {
                final ByteBuffer records = ByteBuffer.allocate(100 + p);
                for (int i = 0; i < records.capacity(); i++)
                {
                    records.put(i, (byte)(p * 7 + i));
                }
                originals.add(records);
                partitions.add(new ProduceRequest.PartitionData(p, new MemoryRecords(records)));
            }
            final ProduceRequest produce = new ProduceRequest(null, (short)1, 30_000,
                List.of(new ProduceRequest.TopicData("a-topic-name", partitions)));
            final ClientRequest request = new ClientRequest(1, ApiKey.PRODUCE, version, v -> produce, new RecordingHandler(),
                true, 0, 30_000, false);
            request.encode(version, 42, "client-1");

            final ByteBuffer[] parts = new ByteBuffer[256];
            final int n = request.gather(parts, 0);
            assertThat(n).as("one part per records field and the fields between them").isGreaterThan(60);
            int total = 0;
            for (int i = 0; i < n; i++)
            {
                total += parts[i].remaining();
            }
            final ByteBuffer wire = ByteBuffer.allocate(total);
            for (int i = 0; i < n; i++)
            {
                wire.put(parts[i]); // consumes the parts as a socket write would
            }
            wire.flip();
            assertThat(request.advanceWritten()).isTrue();

            assertThat(wire.getInt()).as("size prefix, version %d", version).isEqualTo(total - 4);
            final ProtocolReader headerReader = new ProtocolReader(wire, false);
            final RequestHeader header = RequestHeader.read(headerReader);
            assertThat(header.correlationId()).isEqualTo(42);
            final ProtocolReader body = new ProtocolReader(wire, ApiKey.PRODUCE.isFlexible(version));
            if (ApiKey.PRODUCE.isFlexible(version))
            {
                RequestHeader.readTaggedFields(body);
            }
            final ProduceRequest decoded = ProduceRequest.read(body, version);
            assertThat(wire.hasRemaining()).isFalse();
            final List<ProduceRequest.PartitionData> got = decoded.topicData().get(0).partitionData();
            assertThat(got).hasSize(60);
            for (int p = 0; p < 60; p++)
            {
                assertThat(got.get(p).index()).isEqualTo(p);
                assertThat(got.get(p).records().buffer()).isEqualTo(originals.get(p).duplicate().rewind());
                // Writing the request moved only its own views of the records, not the batch's buffer.
                assertThat(originals.get(p).position()).isZero();
                assertThat(originals.get(p).remaining()).isEqualTo(100 + p);
            }
        }
    }
}
