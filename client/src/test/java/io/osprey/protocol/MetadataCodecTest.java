package io.osprey.protocol;

import static io.osprey.protocol.KafkaCodecReferee.kafkaUuid;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.osprey.protocol.message.MetadataRequest;
import io.osprey.protocol.message.MetadataResponse;

/** Metadata (key 3) request and response against Kafka's generated codecs, every served version. */
class MetadataCodecTest
{
    private static final UUID ORDERS_ID = new UUID(0x1122334455667788L, 0x99aabbccddeeff00L);
    private static final UUID PAYMENTS_ID = new UUID(0x0102030405060708L, 0x090a0b0c0d0e0f10L);

    static IntStream versions()
    {
        return KafkaCodecReferee.versions(ApiKey.METADATA);
    }

    static IntStream nullableTopicVersions()
    {
        return versions().filter(v -> v >= 1);
    }

    /** Non-default values in every field of the version; absent fields hold the defaults a reader fills in. */
    static MetadataRequest request(final short v)
    {
        final List<MetadataRequest.Topic> topics = List.of(
            new MetadataRequest.Topic(v >= 10 ? ORDERS_ID : MetadataRequest.ZERO_UUID, "orders"),
            new MetadataRequest.Topic(v >= 10 ? PAYMENTS_ID : MetadataRequest.ZERO_UUID, v >= 10 ? null : "payments"));
        return new MetadataRequest(topics, v < 4, v >= 8 && v <= 10, v >= 8);
    }

    static MetadataRequestData toKafka(final MetadataRequest m)
    {
        final MetadataRequestData d = new MetadataRequestData()
            .setAllowAutoTopicCreation(m.allowAutoTopicCreation())
            .setIncludeClusterAuthorizedOperations(m.includeClusterAuthorizedOperations())
            .setIncludeTopicAuthorizedOperations(m.includeTopicAuthorizedOperations());
        if (m.topics() == null)
        {
            return d.setTopics(null);
        }
        final List<MetadataRequestData.MetadataRequestTopic> topics = new ArrayList<>();
        for (final MetadataRequest.Topic t : m.topics())
        {
            topics.add(new MetadataRequestData.MetadataRequestTopic().setTopicId(kafkaUuid(t.topicId())).setName(t.name()));
        }
        return d.setTopics(topics);
    }

    static MetadataResponse response(final short v)
    {
        final List<MetadataResponse.Broker> brokers = List.of(
            new MetadataResponse.Broker(1, "broker-1.example", 9092, v >= 1 ? "rack-a" : null),
            new MetadataResponse.Broker(2, "broker-2.example", 9093, null));
        final MetadataResponse.Partition p0 = new MetadataResponse.Partition((short)0, 0, 1, v >= 7 ? 17 : -1, List.of(1, 2, 3),
            List.of(1, 2), v >= 5 ? List.of(3) : List.of());
        final MetadataResponse.Partition p1 = new MetadataResponse.Partition((short)5, 1, -1, v >= 7 ? 4 : -1, List.of(2), List.of(),
            List.of());
        final List<MetadataResponse.Topic> topics = List.of(
            new MetadataResponse.Topic((short)0, "orders", v >= 10 ? ORDERS_ID : MetadataRequest.ZERO_UUID, v >= 1, List.of(p0, p1),
                v >= 8 ? 0x0bf8 : MetadataResponse.AUTHORIZED_OPERATIONS_OMITTED),
            new MetadataResponse.Topic((short)100, v >= 12 ? null : "missing", v >= 10 ? PAYMENTS_ID : MetadataRequest.ZERO_UUID,
                false, List.of(), v >= 8 ? 0x10 : MetadataResponse.AUTHORIZED_OPERATIONS_OMITTED));
        return new MetadataResponse(v >= 3 ? 250 : 0, brokers, v >= 2 ? "osprey-cluster" : null, v >= 1 ? 2 : -1, topics,
            v >= 8 && v <= 10 ? 0x0f00 : MetadataResponse.AUTHORIZED_OPERATIONS_OMITTED);
    }

    static MetadataResponseData toKafka(final MetadataResponse m)
    {
        final MetadataResponseData.MetadataResponseBrokerCollection brokers = new MetadataResponseData.MetadataResponseBrokerCollection();
        for (final MetadataResponse.Broker b : m.brokers())
        {
            brokers.add(new MetadataResponseData.MetadataResponseBroker().setNodeId(b.nodeId()).setHost(b.host()).setPort(b.port())
                .setRack(b.rack()));
        }
        final MetadataResponseData.MetadataResponseTopicCollection topics = new MetadataResponseData.MetadataResponseTopicCollection();
        for (final MetadataResponse.Topic t : m.topics())
        {
            final List<MetadataResponseData.MetadataResponsePartition> partitions = new ArrayList<>();
            for (final MetadataResponse.Partition p : t.partitions())
            {
                partitions.add(new MetadataResponseData.MetadataResponsePartition().setErrorCode(p.errorCode())
                    .setPartitionIndex(p.partitionIndex()).setLeaderId(p.leaderId()).setLeaderEpoch(p.leaderEpoch())
                    .setReplicaNodes(p.replicaNodes()).setIsrNodes(p.isrNodes()).setOfflineReplicas(p.offlineReplicas()));
            }
            topics.add(new MetadataResponseData.MetadataResponseTopic().setErrorCode(t.errorCode()).setName(t.name())
                .setTopicId(kafkaUuid(t.topicId())).setIsInternal(t.isInternal()).setPartitions(partitions)
                .setTopicAuthorizedOperations(t.topicAuthorizedOperations()));
        }
        return new MetadataResponseData().setThrottleTimeMs(m.throttleTimeMs()).setBrokers(brokers).setClusterId(m.clusterId())
            .setControllerId(m.controllerId()).setTopics(topics).setClusterAuthorizedOperations(m.clusterAuthorizedOperations());
    }

    @ParameterizedTest
    @MethodSource("versions")
    void requestOspreyToKafka(final int version)
    {
        final short v = (short)version;
        final MetadataRequest m = request(v);
        KafkaCodecReferee.ospreyToKafka(ApiKey.METADATA, v, m, toKafka(m), MetadataRequestData::new);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void requestKafkaToOsprey(final int version)
    {
        final short v = (short)version;
        final MetadataRequest m = request(v);
        KafkaCodecReferee.kafkaToOsprey(ApiKey.METADATA, v, toKafka(m), m, MetadataRequest::read);
    }

    @ParameterizedTest
    @MethodSource("nullableTopicVersions")
    void nullTopicsAskForAllTopics(final int version)
    {
        final short v = (short)version;
        final MetadataRequest m = new MetadataRequest(null, true, false, false);
        KafkaCodecReferee.ospreyToKafka(ApiKey.METADATA, v, m, toKafka(m), MetadataRequestData::new);
        KafkaCodecReferee.kafkaToOsprey(ApiKey.METADATA, v, toKafka(m), m, MetadataRequest::read);
        assertThat(m.allTopics(v)).isTrue();
    }

    @org.junit.jupiter.api.Test
    void v0EmptyTopicsAskForAllTopics()
    {
        final short v = 0;
        final MetadataRequest empty = new MetadataRequest(List.of(), true, false, false);
        KafkaCodecReferee.kafkaToOsprey(ApiKey.METADATA, v, toKafka(empty), empty, MetadataRequest::read);
        assertThat(empty.allTopics(v)).isTrue();
        assertThat(empty.allTopics((short)1)).isFalse();
        // A null list has no v0 encoding of its own: it is written as the empty array.
        final ProtocolReader r = new ProtocolReader(
            KafkaCodecReferee.ospreyBytes(new MetadataRequest(null, true, false, false), ApiKey.METADATA, v), false);
        assertThat(MetadataRequest.read(r, v)).isEqualTo(empty);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void responseOspreyToKafka(final int version)
    {
        final short v = (short)version;
        final MetadataResponse m = response(v);
        KafkaCodecReferee.ospreyToKafka(ApiKey.METADATA, v, m, toKafka(m), MetadataResponseData::new);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void responseKafkaToOsprey(final int version)
    {
        final short v = (short)version;
        final MetadataResponse m = response(v);
        KafkaCodecReferee.kafkaToOsprey(ApiKey.METADATA, v, toKafka(m), m, MetadataResponse::read);
    }
}
