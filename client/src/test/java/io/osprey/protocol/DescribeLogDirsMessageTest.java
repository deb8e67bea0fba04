package io.osprey.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.osprey.protocol.message.DescribeLogDirsRequest;
import io.osprey.protocol.message.DescribeLogDirsResponse;

/** DescribeLogDirs (key 35) v1-4 against Kafka's generated codec, both directions, with a null (every partition) request too. */
class DescribeLogDirsMessageTest
{
    private static final ApiKey KEY = ApiKey.DESCRIBE_LOG_DIRS;

    static IntStream versions()
    {
        return AdminWire.versions(KEY);
    }

    static DescribeLogDirsRequest request(final short version)
    {
        return new DescribeLogDirsRequest(List.of(new DescribeLogDirsRequest.DescribableLogDirTopic("orders", List.of(0, 3)),
            new DescribeLogDirsRequest.DescribableLogDirTopic("événements-ü", List.of())));
    }

    static DescribeLogDirsRequest everything(final short version)
    {
        return new DescribeLogDirsRequest(null);
    }

    static DescribeLogDirsRequestData kafka(final DescribeLogDirsRequest m)
    {
        DescribeLogDirsRequestData.DescribableLogDirTopicCollection topics = null;
        if (m.topics() != null)
        {
            topics = new DescribeLogDirsRequestData.DescribableLogDirTopicCollection();
            for (final DescribeLogDirsRequest.DescribableLogDirTopic t : m.topics())
            {
                topics.add(new DescribeLogDirsRequestData.DescribableLogDirTopic().setTopic(t.topic()).setPartitions(new ArrayList<>(t.partitions())));
            }
        }
        return new DescribeLogDirsRequestData().setTopics(topics);
    }

    static DescribeLogDirsResponse response(final short version)
    {
        final long total = version >= 4 ? 1L << 40 : DescribeLogDirsResponse.UNKNOWN_BYTES;
        final long usable = version >= 4 ? 1L << 39 : DescribeLogDirsResponse.UNKNOWN_BYTES;
        return new DescribeLogDirsResponse(5, version >= 3 ? (short)0 : 0, List.of(
            new DescribeLogDirsResponse.DescribeLogDirsResult((short)0, "/data/osprey", List.of(
                new DescribeLogDirsResponse.DescribeLogDirsTopic("orders", List.of(
                    new DescribeLogDirsResponse.DescribeLogDirsPartition(0, 123_456_789_012L, 0, false),
                    new DescribeLogDirsResponse.DescribeLogDirsPartition(3, 0, 17, true))),
                new DescribeLogDirsResponse.DescribeLogDirsTopic("événements-ü", List.of())), total, usable),
            new DescribeLogDirsResponse.DescribeLogDirsResult((short)56, "/data/broken", List.of(), total, usable)));
    }

    static DescribeLogDirsResponseData kafka(final DescribeLogDirsResponse m)
    {
        final List<DescribeLogDirsResponseData.DescribeLogDirsResult> results = new ArrayList<>();
        for (final DescribeLogDirsResponse.DescribeLogDirsResult d : m.results())
        {
            final List<DescribeLogDirsResponseData.DescribeLogDirsTopic> topics = new ArrayList<>();
            for (final DescribeLogDirsResponse.DescribeLogDirsTopic t : d.topics())
            {
                final List<DescribeLogDirsResponseData.DescribeLogDirsPartition> partitions = new ArrayList<>();
                for (final DescribeLogDirsResponse.DescribeLogDirsPartition p : t.partitions())
                {
                    partitions.add(new DescribeLogDirsResponseData.DescribeLogDirsPartition().setPartitionIndex(p.partitionIndex())
                        .setPartitionSize(p.partitionSize()).setOffsetLag(p.offsetLag()).setIsFutureKey(p.isFutureKey()));
                }
                topics.add(new DescribeLogDirsResponseData.DescribeLogDirsTopic().setName(t.name()).setPartitions(partitions));
            }
            results.add(new DescribeLogDirsResponseData.DescribeLogDirsResult().setErrorCode(d.errorCode()).setLogDir(d.logDir())
                .setTopics(topics).setTotalBytes(d.totalBytes()).setUsableBytes(d.usableBytes()));
        }
        return new DescribeLogDirsResponseData().setThrottleTimeMs(m.throttleTimeMs()).setErrorCode(m.errorCode()).setResults(results);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void kafkaReadsOspreyRequest(final int v)
    {
        final short version = (short)v;
        AdminWire.assertKafkaReads(request(version), kafka(request(version)), KEY, version, DescribeLogDirsRequestData::new);
        AdminWire.assertKafkaReads(everything(version), kafka(everything(version)), KEY, version, DescribeLogDirsRequestData::new);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void ospreyReadsKafkaRequest(final int v)
    {
        final short version = (short)v;
        AdminWire.assertOspreyReads(kafka(request(version)), request(version), KEY, version, DescribeLogDirsRequest::read);
        AdminWire.assertOspreyReads(kafka(everything(version)), everything(version), KEY, version, DescribeLogDirsRequest::read);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void kafkaReadsOspreyResponse(final int v)
    {
        final short version = (short)v;
        AdminWire.assertKafkaReads(response(version), kafka(response(version)), KEY, version, DescribeLogDirsResponseData::new);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void ospreyReadsKafkaResponse(final int v)
    {
        final short version = (short)v;
        AdminWire.assertOspreyReads(kafka(response(version)), response(version), KEY, version, DescribeLogDirsResponse::read);
    }
}
