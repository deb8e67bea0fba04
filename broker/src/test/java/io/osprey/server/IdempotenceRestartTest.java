package io.osprey.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.osprey.protocol.ApiKey;
import io.osprey.protocol.message.CreateTopicsRequest;
import io.osprey.protocol.message.CreateTopicsResponse;
import io.osprey.protocol.message.InitProducerIdRequest;
import io.osprey.protocol.message.InitProducerIdResponse;
import io.osprey.protocol.message.ProduceResponse;

/**
 * The idempotent producer's state survives a broker restart: a batch resent after the restart
 * (a producer that never heard the answer) is answered with its original offset, not appended
 * again, and producer ids are never handed out twice.
 */
@Tag("integration")
class IdempotenceRestartTest
{
    @TempDir
    Path tmp;

    @Test
    void shouldDeduplicateARetryAcrossARestartAndNeverReuseAProducerId() throws Exception
    {
        try (TestBroker broker = new TestBroker(tmp.resolve("node"), Map.of("auto.create.topics.enable", "false")))
        {
            final long pid;
            final short epoch;
            final long firstBase;
            final long secondBase;
            try (RawKafkaConnection c = RawKafkaConnection.connect(broker.port()))
            {
                final CreateTopicsResponse created = c.request(ApiKey.CREATE_TOPICS, (short)7, new CreateTopicsRequest(
                    List.of(new CreateTopicsRequest.CreatableTopic("restart", 1, (short)1, List.of(), List.of())), 30_000, false),
                    CreateTopicsResponse::read);
                assertThat(created.topics().get(0).errorCode()).isZero();
                final InitProducerIdResponse init = c.request(ApiKey.INIT_PRODUCER_ID, (short)4,
                    new InitProducerIdRequest(null, 60_000, -1, (short)-1), InitProducerIdResponse::read);
                pid = init.producerId();
                epoch = init.producerEpoch();
                firstBase = produce(c, RawKafkaConnection.batch(pid, epoch, 0, 3, "r-a-", 0)).baseOffset();
                secondBase = produce(c, RawKafkaConnection.batch(pid, epoch, 3, 2, "r-b-", 0)).baseOffset();
                assertThat(secondBase).isEqualTo(firstBase + 3);
            }

            broker.restart();

            try (RawKafkaConnection c = RawKafkaConnection.connect(broker.port()))
            {
                final ProduceResponse.PartitionResponse retried = produce(c, RawKafkaConnection.batch(pid, epoch, 3, 2, "r-b-", 0));
                assertThat(retried.errorCode()).isZero();
                assertThat(retried.baseOffset()).as("deduplicated with its original offset").isEqualTo(secondBase);
                final ProduceResponse.PartitionResponse next = produce(c, RawKafkaConnection.batch(pid, epoch, 5, 1, "r-c-", 0));
                assertThat(next.errorCode()).isZero();
                assertThat(next.baseOffset()).as("nothing was appended twice").isEqualTo(secondBase + 2);

                final InitProducerIdResponse another = c.request(ApiKey.INIT_PRODUCER_ID, (short)4,
                    new InitProducerIdRequest(null, 60_000, -1, (short)-1), InitProducerIdResponse::read);
                assertThat(another.producerId()).as("producer ids are not reused after a restart").isNotEqualTo(pid);
            }
        }
    }

    @Test
    void shouldDeletePartitionDirectoriesOfUnknownTopicsOnStart() throws Exception
    {
        final Path logDir = tmp.resolve("orphans");
        try (TestBroker broker = new TestBroker(logDir))
        {
            final Path ghost = logDir.resolve("ghost-0");
            java.nio.file.Files.createDirectories(ghost);
            java.nio.file.Files.write(ghost.resolve("00000000000000000000.log"), new byte[100]);
            broker.restart();
            assertThat(ghost).doesNotExist();
        }
    }

    private static ProduceResponse.PartitionResponse produce(final RawKafkaConnection c, final ByteBuffer batch) throws Exception
    {
        final ProduceResponse response = c.request(ApiKey.PRODUCE, (short)8,
            RawKafkaConnection.produce("restart", 0, (short)-1, batch), ProduceResponse::read);
        return response.responses().get(0).partitionResponses().get(0);
    }
}
