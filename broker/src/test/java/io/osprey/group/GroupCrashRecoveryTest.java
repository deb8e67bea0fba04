package io.osprey.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.osprey.testing.BrokerProcess;

/**
 * Committed offsets survive kill -9 of the broker process: the coordinator answers a commit
 * only after its records are in {@code __consumer_offsets}, and a restarted coordinator rebuilds
 * the groups from that topic.
 */
@Tag("integration")
class GroupCrashRecoveryTest
{
    @Test
    void shouldReturnTheSameCommittedOffsetsAfterTheBrokerIsKilledAndRestarted(@TempDir final Path tmp) throws Exception
    {
        final Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
        try (BrokerProcess node = BrokerProcess.single(tmp.resolve("node"), GroupKafkaClientsTest.GROUP_TEST_CONFIG))
        {
            node.start();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, node.bootstrap())))
            {
                admin.createTopics(List.of(new NewTopic("crash", 3, (short)1))).all().get();
                try (KafkaConsumer<String, String> consumer =
                         new KafkaConsumer<>(GroupKafkaClientsTest.consumerProps(node.bootstrap(), "crash-group")))
                {
                    // Several commits per partition: the last one must win after recovery.
                    for (int round = 1; round <= 3; round++)
                    {
                        for (int p = 0; p < 3; p++)
                        {
                            committed.put(new TopicPartition("crash", p), new OffsetAndMetadata(round * 100L + p, "round-" + round));
                        }
                        consumer.commitSync(committed);
                    }
                }
                admin.alterConsumerGroupOffsets("other-group", Map.of(new TopicPartition("crash", 1), new OffsetAndMetadata(5)))
                    .all().get();
            }

            node.kill();
            node.start();

            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, node.bootstrap())))
            {
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
                {
                    assertThat(admin.listConsumerGroupOffsets("crash-group").partitionsToOffsetAndMetadata().get())
                        .isEqualTo(committed);
                    assertThat(admin.listConsumerGroupOffsets("other-group").partitionsToOffsetAndMetadata().get())
                        .isEqualTo(Map.of(new TopicPartition("crash", 1), new OffsetAndMetadata(5)));
                });
            }
        }
    }
}
