package io.osprey.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import io.osprey.admin.Admin;
import io.osprey.admin.NewTopic;
import io.osprey.common.TopicPartition;
import io.osprey.consumer.ConsumerRecord;
import io.osprey.consumer.OspreyConsumer;
import io.osprey.consumer.PartitionInfo;
import io.osprey.producer.OspreyProducer;
import io.osprey.producer.ProducerRecord;
import io.osprey.serialization.Serdes;

/** {@link PerfClient} over Osprey's own {@link OspreyProducer}, {@link OspreyConsumer} and {@link Admin}. */
final class OspreyPerfClient implements PerfClient
{
    @Override
    public String name()
    {
        return "osprey";
    }

    @Override
    public void ensureTopic(final String bootstrapServers, final String topic, final int partitions) throws Exception
    {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers)))
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
                // Created meanwhile by someone else (or auto-created): fine if it is there now.
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
        final OspreyProducer<byte[], byte[]> producer = new OspreyProducer<>(config, new Serdes.ByteArraySerializer(),
            new Serdes.ByteArraySerializer());
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
        final OspreyConsumer<byte[], byte[]> consumer = new OspreyConsumer<>(config, new Serdes.ByteArrayDeserializer(),
            new Serdes.ByteArrayDeserializer());
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
