package io.osprey.producer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Kafka's own admin client and consumer, used to set up topics and to read back what Osprey's producer wrote. */
final class KafkaReferee
{
    private KafkaReferee()
    {
    }

    static void createTopics(final String bootstrap, final Map<String, Integer> partitionsByTopic) throws Exception
    {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap)))
        {
            final List<NewTopic> topics = new ArrayList<>();
            partitionsByTopic.forEach((name, partitions) -> topics.add(new NewTopic(name, partitions, (short)1)));
            admin.createTopics(topics).all().get();
        }
    }

    static void createTopic(final String bootstrap, final String name, final int partitions, final Map<String, String> configs)
        throws Exception
    {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap)))
        {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short)1).configs(configs))).all().get();
        }
    }

    /** Every record of the partitions, from the beginning to the end offsets as of now, in partition order. */
    static List<ConsumerRecord<byte[], byte[]>> readAll(final String bootstrap, final Collection<TopicPartition> partitions)
    {
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        final List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p))
        {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            final long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline && partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)))
            {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    static List<TopicPartition> partitions(final String topic, final int count)
    {
        final List<TopicPartition> out = new ArrayList<>();
        for (int p = 0; p < count; p++)
        {
            out.add(new TopicPartition(topic, p));
        }
        return out;
    }
}
