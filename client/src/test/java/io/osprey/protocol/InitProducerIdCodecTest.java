package io.osprey.protocol;

import java.util.stream.IntStream;

import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.osprey.protocol.message.InitProducerIdRequest;
import io.osprey.protocol.message.InitProducerIdResponse;

/** InitProducerId (key 22) request and response against Kafka's generated codecs, every served version. */
class InitProducerIdCodecTest
{
    static IntStream versions()
    {
        return KafkaCodecReferee.versions(ApiKey.INIT_PRODUCER_ID);
    }

    static InitProducerIdRequest request(final short v)
    {
        return new InitProducerIdRequest("txn-app-1", 60_000, v >= 3 ? 4_000L : -1L, (short)(v >= 3 ? 2 : -1));
    }

    static InitProducerIdRequestData toKafka(final InitProducerIdRequest m)
    {
        return new InitProducerIdRequestData().setTransactionalId(m.transactionalId())
            .setTransactionTimeoutMs(m.transactionTimeoutMs()).setProducerId(m.producerId()).setProducerEpoch(m.producerEpoch());
    }

    static InitProducerIdResponse response()
    {
        return new InitProducerIdResponse(15, (short)47, 4_001L, (short)3);
    }

    static InitProducerIdResponseData toKafka(final InitProducerIdResponse m)
    {
        return new InitProducerIdResponseData().setThrottleTimeMs(m.throttleTimeMs()).setErrorCode(m.errorCode())
            .setProducerId(m.producerId()).setProducerEpoch(m.producerEpoch());
    }

    @ParameterizedTest
    @MethodSource("versions")
    void requestOspreyToKafka(final int version)
    {
        final short v = (short)version;
        final InitProducerIdRequest m = request(v);
        KafkaCodecReferee.ospreyToKafka(ApiKey.INIT_PRODUCER_ID, v, m, toKafka(m), InitProducerIdRequestData::new);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void requestKafkaToOsprey(final int version)
    {
        final short v = (short)version;
        final InitProducerIdRequest m = request(v);
        KafkaCodecReferee.kafkaToOsprey(ApiKey.INIT_PRODUCER_ID, v, toKafka(m), m, InitProducerIdRequest::read);
    }

    /** The idempotent producer's request: no transactional id. */
    @ParameterizedTest
    @MethodSource("versions")
    void idempotentRequestWithNullTransactionalId(final int version)
    {
        final short v = (short)version;
        final InitProducerIdRequest m = new InitProducerIdRequest(null, Integer.MAX_VALUE, -1L, (short)-1);
        KafkaCodecReferee.ospreyToKafka(ApiKey.INIT_PRODUCER_ID, v, m, toKafka(m), InitProducerIdRequestData::new);
        KafkaCodecReferee.kafkaToOsprey(ApiKey.INIT_PRODUCER_ID, v, toKafka(m), m, InitProducerIdRequest::read);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void responseOspreyToKafka(final int version)
    {
        final short v = (short)version;
        final InitProducerIdResponse m = response();
        KafkaCodecReferee.ospreyToKafka(ApiKey.INIT_PRODUCER_ID, v, m, toKafka(m), InitProducerIdResponseData::new);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void responseKafkaToOsprey(final int version)
    {
        final short v = (short)version;
        final InitProducerIdResponse m = response();
        KafkaCodecReferee.kafkaToOsprey(ApiKey.INIT_PRODUCER_ID, v, toKafka(m), m, InitProducerIdResponse::read);
    }
}
