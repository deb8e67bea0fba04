package io.osprey.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.osprey.protocol.message.DeleteTopicsRequest;
import io.osprey.protocol.message.DeleteTopicsResponse;

/** DeleteTopics (key 20) v1-6 against Kafka's generated codec, both directions. */
class DeleteTopicsMessageTest
{
    private static final ApiKey KEY = ApiKey.DELETE_TOPICS;
    private static final UUID ORDERS_ID = new UUID(0x0123_4567_89ab_cdefL, 0xfedc_ba98_7654_3210L);
    private static final UUID PAYMENTS_ID = new UUID(-2L, 42L);

    static IntStream versions()
    {
        return AdminWire.versions(KEY);
    }

    /** v6+ names topics by name or id; older versions by name only. */
    static DeleteTopicsRequest request(final short version)
    {
        if (version >= 6)
        {
            return new DeleteTopicsRequest(List.of(
                new DeleteTopicsRequest.DeleteTopicState("orders", DeleteTopicsRequest.NO_TOPIC_ID),
                new DeleteTopicsRequest.DeleteTopicState(null, PAYMENTS_ID),
                new DeleteTopicsRequest.DeleteTopicState("événements-ü", ORDERS_ID)),
                List.of(), 15_000);
        }
        return new DeleteTopicsRequest(List.of(), List.of("orders", "événements-ü"), 15_000);
    }

    static DeleteTopicsRequestData kafka(final DeleteTopicsRequest m)
    {
        final List<DeleteTopicsRequestData.DeleteTopicState> topics = new ArrayList<>();
        for (final DeleteTopicsRequest.DeleteTopicState t : m.topics())
        {
            topics.add(new DeleteTopicsRequestData.DeleteTopicState().setName(t.name()).setTopicId(AdminWire.kafka(t.topicId())));
        }
        return new DeleteTopicsRequestData()
            .setTopics(topics)
            .setTopicNames(new ArrayList<>(m.topicNames()))
            .setTimeoutMs(m.timeoutMs());
    }

    static DeleteTopicsResponse response(final short version)
    {
        final boolean v6 = version >= 6;
        return new DeleteTopicsResponse(77, List.of(
            new DeleteTopicsResponse.DeletableTopicResult("orders", v6 ? ORDERS_ID : DeleteTopicsResponse.NO_TOPIC_ID, (short)0,
                version >= 5 ? "deleted after 3 ms" : null),
            new DeleteTopicsResponse.DeletableTopicResult(v6 ? null : "événements-ü",
                v6 ? PAYMENTS_ID : DeleteTopicsResponse.NO_TOPIC_ID, (short)100, null)));
    }

    static DeleteTopicsResponseData kafka(final DeleteTopicsResponse m)
    {
        final DeleteTopicsResponseData.DeletableTopicResultCollection responses = new DeleteTopicsResponseData.DeletableTopicResultCollection();
        for (final DeleteTopicsResponse.DeletableTopicResult t : m.responses())
        {
            responses.add(new DeleteTopicsResponseData.DeletableTopicResult()
                .setName(t.name())
                .setTopicId(AdminWire.kafka(t.topicId()))
                .setErrorCode(t.errorCode())
                .setErrorMessage(t.errorMessage()));
        }
        return new DeleteTopicsResponseData().setThrottleTimeMs(m.throttleTimeMs()).setResponses(responses);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void kafkaReadsOspreyRequest(final int v)
    {
        final short version = (short)v;
        AdminWire.assertKafkaReads(request(version), kafka(request(version)), KEY, version, DeleteTopicsRequestData::new);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void ospreyReadsKafkaRequest(final int v)
    {
        final short version = (short)v;
        AdminWire.assertOspreyReads(kafka(request(version)), request(version), KEY, version, DeleteTopicsRequest::read);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void kafkaReadsOspreyResponse(final int v)
    {
        final short version = (short)v;
        AdminWire.assertKafkaReads(response(version), kafka(response(version)), KEY, version, DeleteTopicsResponseData::new);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void ospreyReadsKafkaResponse(final int v)
    {
        final short version = (short)v;
        AdminWire.assertOspreyReads(kafka(response(version)), response(version), KEY, version, DeleteTopicsResponse::read);
    }
}
