package io.osprey.producer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.osprey.client.ClientClock;
import io.osprey.client.Metadata;
import io.osprey.client.MetadataSnapshot;
import io.osprey.client.MetadataUpdater;
import io.osprey.client.NetworkClient;
import io.osprey.client.Node;
import io.osprey.client.PartitionMetadata;
import io.osprey.client.TopicMetadata;
import io.osprey.client.config.CommonClientConfigs;
import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.common.TopicPartition;
import io.osprey.record.Compression;
import io.osprey.record.Header;
import io.osprey.serialization.Serializer;

/**
 * Osprey's producer, shaped like Kafka's {@code KafkaProducer}: the same configuration keys and
 * defaults (acks=all, idempotence on, linger.ms=5), the same {@code send}/{@code flush}/
 * {@code close} contract, and the same partitioning, so a key lands in the partition Kafka's
 * producer would choose.
 * <p>
 * {@code send} runs on the caller's thread: wait for the topic's metadata, serialize, choose the
 * partition, append to the partition's batch ({@link RecordAccumulator}). One I/O thread
 * ({@link Sender}) sends batches and completes their futures and callbacks.
 * <p>
 * Differences from Kafka's producer, on purpose:
 * <ul>
 * <li>When {@code max.block.ms} passes waiting for metadata or memory, {@code send} throws
 * ({@link ProducerTimeoutException}, {@link BufferExhaustedException}) rather than returning a
 * failed future, so back-pressure cannot be missed by a caller that never looks at futures.
 * A record that is too large still fails through its future and callback, as in Kafka.</li>
 * <li>Serializer exceptions are rethrown as {@link OspreyException} with code INVALID_RECORD.</li>
 * <li>No transactions, interceptors, custom partitioners or batch splitting.</li>
 * </ul>
 * Thread-safe: share one instance between threads.
 */
public final class OspreyProducer<K, V> implements Producer<K, V>
{
    private static final Logger LOG = LoggerFactory.getLogger(OspreyProducer.class);
    private static final AtomicInteger CLIENT_IDS = new AtomicInteger(1);

    private final String clientId;
    private final ProducerSettings settings;
    private final Serializer<K> keySerializer;
    private final Serializer<V> valueSerializer;
    private final Metadata metadata;
    private final RecordAccumulator accumulator;
    private final StickyPartitioner sticky;
    private final Sender sender;
    private final Thread ioThread;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ConcurrentHashMap<String, TopicPartition[]> partitionCache = new ConcurrentHashMap<>();

    /** A producer whose serializers are named by {@code key.serializer} and {@code value.serializer}. */
    public OspreyProducer(final Map<String, Object> configs)
    {
        this(configs, null, null);
    }

    /** A producer configured from properties, as loaded from a file. */
    public OspreyProducer(final Properties properties)
    {
        this(toMap(properties), null, null);
    }

    /**
     * A producer with the given serializers (which are not configured, as in Kafka); the
     * serializer keys may then be left out.
     */
    public OspreyProducer(final Map<String, Object> configs, final Serializer<K> keySerializer, final Serializer<V> valueSerializer)
    {
        this(ProducerConfig.parse(configs), keySerializer, valueSerializer);
    }

    private OspreyProducer(final ProducerSettings settings, final Serializer<K> keySerializer, final Serializer<V> valueSerializer)
    {
        this.settings = settings;
        this.clientId = settings.clientId("producer-" + CLIENT_IDS.getAndIncrement());
        this.keySerializer = SerializerFactory.create(keySerializer, settings, ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, true);
        this.valueSerializer = SerializerFactory.create(valueSerializer, settings, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, false);
        final ClientClock clock = ClientClock.SYSTEM;
        final Random random = new Random();
        this.metadata = new Metadata(settings.config().getLong(CommonClientConfigs.METADATA_MAX_AGE_MS_CONFIG), clock);
        final NetworkClient client = new NetworkClient(settings.config(), clientId, settings.maxInFlight(), metadata, clock, random);
        try
        {
            final MetadataUpdater updater = new MetadataUpdater(client, settings.config(), true, random);
            this.accumulator = new RecordAccumulator(settings, new BufferPool(settings.bufferMemory(), settings.batchSize()), clock);
            this.sticky = new StickyPartitioner(settings.batchSize());
            this.sender = new Sender(settings, client, updater, accumulator, random);
            accumulator.onBatchEvent(sender::wakeup);
            this.ioThread = new Thread(sender, "osprey-producer-network-thread | " + clientId);
            ioThread.setDaemon(true);
            ioThread.start();
        }
        catch (final RuntimeException | Error e)
        {
            client.close();
            throw e;
        }
        LOG.info("Producer {} started (acks={}, idempotence={}, compression={})", clientId, settings.acks() == -1 ? "all" : settings.acks(),
            settings.idempotent(), settings.compression().configName);
    }

    private static Map<String, Object> toMap(final Properties properties)
    {
        final Map<String, Object> map = new LinkedHashMap<>();
        properties.forEach((k, v) -> map.put(String.valueOf(k), v));
        return map;
    }

    // ---- Sending -----------------------------------------------------------------------------------

    @Override
    public Future<RecordMetadata> send(final ProducerRecord<K, V> record)
    {
        return send(record, null);
    }

    @Override
    public Future<RecordMetadata> send(final ProducerRecord<K, V> record, final Callback callback)
    {
        Objects.requireNonNull(record, "record");
        checkOpen();
        final String topic = record.topic();
        final RuntimeException fatal = sender.fatalError();
        if (fatal != null)
        {
            return failed(new TopicPartition(topic, record.partition() == null ? -1 : record.partition()), fatal, callback);
        }
        // The clock is read only when metadata must be waited for: most sends find it known. The two reads this saves cost
        // about 50 ns a record on this project's test machine, a tenth of a send.
        metadata.addTopic(topic);
        MetadataSnapshot snapshot = metadata.snapshot();
        // Looked up once a send: known(), the key's hash and the sticky partitioner all need it.
        int partitionCount = snapshot.partitionCount(topic);
        final long remainingMs;
        if (known(partitionCount, record.partition()))
        {
            remainingMs = settings.maxBlockMs();
        }
        else
        {
            final long startNs = System.nanoTime();
            snapshot = awaitMetadata(topic, record.partition(), settings.maxBlockMs());
            partitionCount = snapshot.partitionCount(topic);
            remainingMs = Math.max(0, settings.maxBlockMs() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));
        }
        final byte[] key = serialize(keySerializer, topic, record.key(), "key", ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
        final byte[] value = serialize(valueSerializer, topic, record.value(), "value", ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);

        StickyPartitioner chosenBySticky = null;
        final int partition;
        if (record.partition() != null)
        {
            partition = record.partition();
        }
        else if (key != null && !settings.ignoreKeys())
        {
            partition = Murmur2.partitionForKey(key, partitionCount);
        }
        else
        {
            partition = sticky.partition(topic, snapshot, partitionCount);
            chosenBySticky = sticky;
        }
        final TopicPartition tp = topicPartition(topic, partition);
        final Header[] headers = record.headerArray();
        final OspreyException tooLarge = checkRecordSize(RecordAccumulator.upperBoundBatchSize(key, value, headers, Compression.NONE));
        if (tooLarge != null)
        {
            return failed(tp, tooLarge, callback);
        }
        final long timestamp = record.timestamp() == null ? System.currentTimeMillis() : record.timestamp();
        try
        {
            return accumulator.append(tp, timestamp, key, value, headers, callback, remainingMs, chosenBySticky, snapshot);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new OspreyException(ErrorCode.UNKNOWN_SERVER_ERROR, "Interrupted while waiting for buffer memory to send to " + tp, e);
        }
    }

    /**
     * The partition's {@link TopicPartition}, made once and reused, so that a send allocates no
     * key object. Races are benign: two threads may each make an equal instance, and either is
     * kept; the record's fields are final, so an instance read through the array is complete.
     */
    private TopicPartition topicPartition(final String topic, final int partition)
    {
        TopicPartition[] known = partitionCache.get(topic);
        if (known == null || partition >= known.length)
        {
            known = known == null ? new TopicPartition[partition + 1] : Arrays.copyOf(known, partition + 1);
            partitionCache.put(topic, known);
        }
        TopicPartition tp = known[partition];
        if (tp == null)
        {
            tp = new TopicPartition(topic, partition);
            known[partition] = tp;
        }
        return tp;
    }

    private OspreyException checkRecordSize(final int size)
    {
        if (size > settings.maxRequestSize())
        {
            return new OspreyException(ErrorCode.MESSAGE_TOO_LARGE, "The message is " + size + " bytes when serialized which is larger "
                + "than " + settings.maxRequestSize() + ", which is the value of the max.request.size configuration.");
        }
        if (size > settings.bufferMemory())
        {
            return new OspreyException(ErrorCode.MESSAGE_TOO_LARGE, "The message is " + size + " bytes when serialized which is larger "
                + "than the total memory buffer you have configured with the buffer.memory configuration (" + settings.bufferMemory()
                + ").");
        }
        return null;
    }

    private static <T> byte[] serialize(final Serializer<T> serializer, final String topic, final T data, final String what,
        final String configKey)
    {
        try
        {
            return serializer.serialize(topic, data);
        }
        catch (final ClassCastException e)
        {
            throw new OspreyException(ErrorCode.INVALID_RECORD, "Can't convert " + what + " of class " + data.getClass().getName()
                + " with " + serializer.getClass().getName() + " specified in " + configKey, e);
        }
        catch (final OspreyException e)
        {
            throw e;
        }
        catch (final RuntimeException e)
        {
            throw new OspreyException(ErrorCode.INVALID_RECORD, "Failed to serialize " + what + " for topic " + topic + " with "
                + serializer.getClass().getName() + ": " + e, e);
        }
    }

    private static Future<RecordMetadata> failed(final TopicPartition tp, final RuntimeException error, final Callback callback)
    {
        final ProduceFuture future = new ProduceFuture(BatchResult.failed(tp, error), 0, RecordMetadata.UNKNOWN, -1, -1, callback);
        if (callback != null)
        {
            callback.onCompletion(future.failedMetadata(), error);
        }
        return future;
    }

    /**
     * Waits until the metadata knows {@code topic} (and {@code partition}, if given), asking for
     * updates meanwhile; the broker creates an unknown topic if it allows auto-creation.
     */
    private MetadataSnapshot waitOnMetadata(final String topic, final Integer partition, final long maxWaitMs)
    {
        metadata.addTopic(topic);
        final MetadataSnapshot snapshot = metadata.snapshot();
        return known(snapshot, topic, partition) ? snapshot : awaitMetadata(topic, partition, maxWaitMs);
    }

    /**
     * The waiting part of {@link #waitOnMetadata}, for a topic already added: reads the snapshot
     * again first (it may have arrived since the caller looked), then asks for updates until the
     * topic (and partition) is known or {@code maxWaitMs} has passed.
     */
    private MetadataSnapshot awaitMetadata(final String topic, final Integer partition, final long maxWaitMs)
    {
        MetadataSnapshot snapshot = metadata.snapshot();
        if (known(snapshot, topic, partition))
        {
            return snapshot;
        }
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxWaitMs);
        while (true)
        {
            final OspreyException error = metadata.topicException(topic);
            if (error != null && !error.retriable())
            {
                throw error;
            }
            final long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime());
            if (remainingMs <= 0)
            {
                throw metadataTimeout(topic, partition, snapshot, maxWaitMs, error);
            }
            final int version = metadata.requestUpdate();
            try
            {
                metadata.awaitUpdate(version, remainingMs);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
                throw new OspreyException(ErrorCode.UNKNOWN_SERVER_ERROR, "Interrupted while waiting for metadata of topic " + topic, e);
            }
            checkOpen();
            snapshot = metadata.snapshot();
            if (known(snapshot, topic, partition))
            {
                return snapshot;
            }
        }
    }

    private static boolean known(final MetadataSnapshot snapshot, final String topic, final Integer partition)
    {
        return known(snapshot.partitionCount(topic), partition);
    }

    private static boolean known(final int partitionCount, final Integer partition)
    {
        return partitionCount > 0 && (partition == null || partition < partitionCount);
    }

    private static ProducerTimeoutException metadataTimeout(final String topic, final Integer partition, final MetadataSnapshot snapshot,
        final long maxWaitMs, final OspreyException lastError)
    {
        final int count = snapshot.partitionCount(topic);
        final String message = partition == null || count <= 0
            ? "Topic " + topic + " not present in metadata after " + maxWaitMs + " ms (max.block.ms)."
            : String.format("Partition %d of topic %s with partition count %d is not present in metadata after %d ms (max.block.ms).",
                partition, topic, count, maxWaitMs);
        return new ProducerTimeoutException(lastError == null ? message : message + " Last error: " + lastError.getMessage(), lastError);
    }

    // ---- The rest of the API ---------------------------------------------------------------------------

    @Override
    public void flush()
    {
        checkOpen();
        if (Thread.currentThread() == ioThread)
        {
            throw new IllegalStateException("flush() cannot be called from a callback: the callback runs on the thread that would "
                + "have to complete the flush");
        }
        accumulator.beginFlush();
        sender.wakeup();
        try
        {
            accumulator.awaitFlushCompletion();
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new OspreyException(ErrorCode.UNKNOWN_SERVER_ERROR, "Flush interrupted.", e);
        }
    }

    @Override
    public List<PartitionInfo> partitionsFor(final String topic)
    {
        Objects.requireNonNull(topic, "topic");
        checkOpen();
        final MetadataSnapshot snapshot = waitOnMetadata(topic, null, settings.maxBlockMs());
        final TopicMetadata t = snapshot.topic(topic);
        final List<PartitionInfo> out = new ArrayList<>(t.partitions().size());
        for (final PartitionMetadata p : t.partitions())
        {
            out.add(new PartitionInfo(topic, p.partition().partition(), p.hasLeader() ? node(snapshot, p.leaderId()) : null,
                nodes(snapshot, p.replicas()), nodes(snapshot, p.isr()), nodes(snapshot, p.offlineReplicas())));
        }
        return List.copyOf(out);
    }

    private static List<Node> nodes(final MetadataSnapshot snapshot, final List<Integer> ids)
    {
        final List<Node> out = new ArrayList<>(ids.size());
        for (final int id : ids)
        {
            out.add(node(snapshot, id));
        }
        return List.copyOf(out);
    }

    /** The broker, or a node without an address when the metadata names a replica it does not list (an offline broker). */
    private static Node node(final MetadataSnapshot snapshot, final int id)
    {
        final Node node = snapshot.node(id);
        return node != null ? node : new Node(id, "", -1, null);
    }

    /** The client id, given or made up ({@code producer-N}). */
    public String clientId()
    {
        return clientId;
    }

    @Override
    public void close()
    {
        close(Duration.ofMillis(Long.MAX_VALUE));
    }

    @Override
    public void close(final Duration timeout)
    {
        if (timeout.isNegative())
        {
            throw new IllegalArgumentException("The timeout cannot be negative.");
        }
        if (!closed.compareAndSet(false, true))
        {
            return;
        }
        long timeoutMs = timeout.toMillis();
        final boolean fromCallback = Thread.currentThread() == ioThread;
        if (fromCallback && timeoutMs > 0)
        {
            LOG.warn("Overriding close timeout {} ms to 0 ms to avoid a deadlock: close() was called from a producer callback", timeoutMs);
            timeoutMs = 0;
        }
        LOG.info("Closing producer {} with timeout {} ms", clientId, timeoutMs);
        sender.initiateClose();
        if (timeoutMs > 0)
        {
            join(timeoutMs);
        }
        if (ioThread.isAlive())
        {
            sender.forceClose();
            if (!fromCallback)
            {
                join(0);
            }
        }
        keySerializer.close();
        valueSerializer.close();
    }

    private void join(final long timeoutMs)
    {
        try
        {
            ioThread.join(timeoutMs);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            LOG.warn("Interrupted while waiting for the producer I/O thread to finish", e);
        }
    }

    private void checkOpen()
    {
        if (closed.get())
        {
            throw new IllegalStateException("Cannot perform operation after producer has been closed");
        }
    }
}
