package io.osprey.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** {@link PerfClient} over the official Apache Kafka {@link KafkaProducer}, {@link KafkaConsumer} and {@link Admin}. */
final class KafkaPerfClient implements PerfClient
{
    @Override
    public String name()
    {
        return "kafka";
    }

    @Override
    public void ensureTopic(final String bootstrapServers, final String topic, final int partitions) throws Exception
    {
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrapServers)))
        {
            if (admin.listTopics().names().get().contains(topic))
            {
                return;
            }
            try
            {
                admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty()))).all().get();
            }
            catch (final ExecutionException e)
            {
                if (!admin.listTopics().names().get().contains(topic))
                {
                    throw e;
                }
            }
        }
    }

    @Override
    public PerfClient.Producer producer(final Map<String, Object> config)
    {
        final KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        return new PerfClient.Producer()
        {
            @Override
            public void send(final String topic, final byte[] value, final SendCallback callback)
            {
                producer.send(new ProducerRecord<>(topic, value), (metadata, error) -> callback.onCompletion(error));
            }

            @Override
            public void flush()
            {
                producer.flush();
            }

            @Override
            public void close()
            {
                producer.close();
            }
        };
    }

    @Override
    public PerfClient.Consumer consumer(final Map<String, Object> config)
    {
        final KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        return new PerfClient.Consumer()
        {
            @Override
            public int assignAll(final String topic, final boolean fromBeginning, final Duration timeout)
            {
                final long deadlineNs = System.nanoTime() + timeout.toNanos();
                List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
                while (infos.isEmpty() && System.nanoTime() < deadlineNs)
                {
                    infos = consumer.partitionsFor(topic, timeout);
                }
                if (infos.isEmpty())
                {
                    throw new IllegalStateException("topic " + topic + " has no partitions after " + timeout);
                }
                final List<TopicPartition> partitions = new ArrayList<>();
                for (final PartitionInfo info : infos)
                {
                    partitions.add(new TopicPartition(topic, info.partition()));
                }
                consumer.assign(partitions);
                if (fromBeginning)
                {
                    consumer.seekToBeginning(partitions);
                }
                else
                {
                    consumer.seekToEnd(partitions);
                }
                for (final TopicPartition tp : partitions)
                {
                    consumer.position(tp, timeout);
                }
                return partitions.size();
            }

            @Override
            public int poll(final Duration timeout, final RecordSink sink)
            {
                int count = 0;
                for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout))
                {
                    sink.onRecord(r.key(), r.value());
                    count++;
                }
                return count;
            }

            @Override
            public void close()
            {
                consumer.close();
            }
        };
    }
}
