package io.osprey.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.protocol.types.RawTaggedField;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.osprey.protocol.message.CreateTopicsRequest;
import io.osprey.protocol.message.CreateTopicsResponse;

/** CreateTopics (key 19) v2-7 against Kafka's generated codec, both directions. */
class CreateTopicsMessageTest
{
    private static final ApiKey KEY = ApiKey.CREATE_TOPICS;
    private static final UUID ORDERS_ID = new UUID(0x0123_4567_89ab_cdefL, 0xfedc_ba98_7654_3210L);
    private static final UUID PAYMENTS_ID = new UUID(-2L, 42L);

    static IntStream versions()
    {
        return AdminWire.versions(KEY);
    }

    static IntStream flexibleVersions()
    {
        return versions().filter(v -> KEY.isFlexible((short)v));
    }

    /** Every field of the version set away from its default; absent fields hold the defaults read gives them. */
    static CreateTopicsRequest request(final short version)
    {
        return new CreateTopicsRequest(List.of(
            new CreateTopicsRequest.CreatableTopic("orders", -1, (short)-1,
                List.of(new CreateTopicsRequest.CreatableReplicaAssignment(0, List.of(1, 2, 3)),
                    new CreateTopicsRequest.CreatableReplicaAssignment(1, List.of(3, 1, 2))),
                List.of(new CreateTopicsRequest.CreatableTopicConfig("cleanup.policy", "compact"),
                    new CreateTopicsRequest.CreatableTopicConfig("retention.ms", null))),
            new CreateTopicsRequest.CreatableTopic("événements-ü", 12, (short)3, List.of(), List.of())),
            30_000, true);
    }

    static CreateTopicsRequestData kafka(final CreateTopicsRequest m)
    {
        final CreateTopicsRequestData.CreatableTopicCollection topics = new CreateTopicsRequestData.CreatableTopicCollection();
        for (final CreateTopicsRequest.CreatableTopic t : m.topics())
        {
            final CreateTopicsRequestData.CreatableReplicaAssignmentCollection assignments =
                new CreateTopicsRequestData.CreatableReplicaAssignmentCollection();
            for (final CreateTopicsRequest.CreatableReplicaAssignment a : t.assignments())
            {
                assignments.add(new CreateTopicsRequestData.CreatableReplicaAssignment()
                    .setPartitionIndex(a.partitionIndex())
                    .setBrokerIds(new ArrayList<>(a.brokerIds())));
            }
            final CreateTopicsRequestData.CreatableTopicConfigCollection configs = new CreateTopicsRequestData.CreatableTopicConfigCollection();
            for (final CreateTopicsRequest.CreatableTopicConfig c : t.configs())
            {
                configs.add(new CreateTopicsRequestData.CreatableTopicConfig().setName(c.name()).setValue(c.value()));
            }
            topics.add(new CreateTopicsRequestData.CreatableTopic()
                .setName(t.name())
                .setNumPartitions(t.numPartitions())
                .setReplicationFactor(t.replicationFactor())
                .setAssignments(assignments)
                .setConfigs(configs));
        }
        return new CreateTopicsRequestData().setTopics(topics).setTimeoutMs(m.timeoutMs()).setValidateOnly(m.validateOnly());
    }

    static CreateTopicsResponse response(final short version)
    {
        final boolean v5 = version >= 5;
        return new CreateTopicsResponse(250, List.of(
            new CreateTopicsResponse.CreatableTopicResult("orders",
                version >= 7 ? ORDERS_ID : CreateTopicsResponse.NO_TOPIC_ID,
                (short)0, "created with overrides", v5 ? (short)29 : 0, v5 ? 6 : -1, v5 ? (short)3 : -1,
                v5
                    ? List.of(new CreateTopicsResponse.CreatableTopicConfigs("cleanup.policy", "compact", false, (byte)1, false),
                        new CreateTopicsResponse.CreatableTopicConfigs("ssl.key.password", null, true, (byte)5, true))
                    : List.of()),
            new CreateTopicsResponse.CreatableTopicResult("événements-ü",
                version >= 7 ? PAYMENTS_ID : CreateTopicsResponse.NO_TOPIC_ID,
                (short)36, null, (short)0, v5 ? 1 : -1, v5 ? (short)2 : -1, v5 ? null : List.of())));
    }

    static CreateTopicsResponseData kafka(final CreateTopicsResponse m)
    {
        final CreateTopicsResponseData.CreatableTopicResultCollection topics = new CreateTopicsResponseData.CreatableTopicResultCollection();
        for (final CreateTopicsResponse.CreatableTopicResult t : m.topics())
        {
            List<CreateTopicsResponseData.CreatableTopicConfigs> configs = null;
            if (t.configs() != null)
            {
                configs = new ArrayList<>();
                for (final CreateTopicsResponse.CreatableTopicConfigs c : t.configs())
                {
                    configs.add(new CreateTopicsResponseData.CreatableTopicConfigs()
                        .setName(c.name())
                        .setValue(c.value())
                        .setReadOnly(c.readOnly())
                        .setConfigSource(c.configSource())
                        .setIsSensitive(c.isSensitive()));
                }
            }
            topics.add(new CreateTopicsResponseData.CreatableTopicResult()
                .setName(t.name())
                .setTopicId(AdminWire.kafka(t.topicId()))
                .setErrorCode(t.errorCode())
                .setErrorMessage(t.errorMessage())
                .setTopicConfigErrorCode(t.topicConfigErrorCode())
                .setNumPartitions(t.numPartitions())
                .setReplicationFactor(t.replicationFactor())
                .setConfigs(configs));
        }
        return new CreateTopicsResponseData().setThrottleTimeMs(m.throttleTimeMs()).setTopics(topics);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void kafkaReadsOspreyRequest(final int v)
    {
        final short version = (short)v;
        AdminWire.assertKafkaReads(request(version), kafka(request(version)), KEY, version, CreateTopicsRequestData::new);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void ospreyReadsKafkaRequest(final int v)
    {
        final short version = (short)v;
        AdminWire.assertOspreyReads(kafka(request(version)), request(version), KEY, version, CreateTopicsRequest::read);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void kafkaReadsOspreyResponse(final int v)
    {
        final short version = (short)v;
        AdminWire.assertKafkaReads(response(version), kafka(response(version)), KEY, version, CreateTopicsResponseData::new);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void ospreyReadsKafkaResponse(final int v)
    {
        final short version = (short)v;
        AdminWire.assertOspreyReads(kafka(response(version)), response(version), KEY, version, CreateTopicsResponse::read);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("flexibleVersions")
    void ospreySkipsUnknownTaggedFields(final int v)
    {
        final short version = (short)v;
        final CreateTopicsRequestData request = kafka(request(version));
        request.unknownTaggedFields().add(new RawTaggedField(7, new byte[] {1, 2, 3}));
        request.topics().iterator().next().configs().iterator().next().unknownTaggedFields().add(new RawTaggedField(1, new byte[5]));
        assertThat(AdminWire.ospreyRead(AdminWire.kafkaWrite(request, version), KEY, version, CreateTopicsRequest::read))
            .isEqualTo(request(version));

        // Unknown tags before and after the known tag 0 of a result.
        final CreateTopicsResponseData response = kafka(response(version));
        final CreateTopicsResponseData.CreatableTopicResult first = response.topics().iterator().next();
        first.unknownTaggedFields().add(new RawTaggedField(3, new byte[] {9, 9}));
        response.topics().find("événements-ü").unknownTaggedFields().add(new RawTaggedField(5, new byte[] {4}));
        final CreateTopicsResponse read = AdminWire.ospreyRead(AdminWire.kafkaWrite(response, version), KEY, version,
            CreateTopicsResponse::read);
        assertThat(read).isEqualTo(response(version));
        assertThat(read.topics().get(0).topicConfigErrorCode()).isEqualTo((short)29);
    }
}
