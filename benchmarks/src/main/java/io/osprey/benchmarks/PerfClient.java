package io.osprey.benchmarks;

import java.time.Duration;
import java.util.Map;

/**
 * The few client operations the perf tools need, implemented twice: with Osprey's own clients
 * ({@link OspreyPerfClient}) and with the official Apache Kafka clients ({@link KafkaPerfClient}).
 * Both speak the Kafka protocol, so either can drive either broker; the tools select one with
 * {@code --client osprey|kafka} ({@link PerfArgs#client()}). Configuration keys are Kafka's for both.
 * <p>
 * Records carry a null key and a {@code byte[]} value. The adapters add no work per record
 * beyond the call they forward, so the figures belong to the client underneath.
 */
interface PerfClient
{
    /** {@code osprey} or {@code kafka}. */
    String name();

    /** Creates {@code topic} with {@code partitions} partitions (the broker's default.replication.factor) unless it exists. */
    void ensureTopic(String bootstrapServers, String topic, int partitions) throws Exception;

    Producer producer(Map<String, Object> config);

    Consumer consumer(Map<String, Object> config);

    /** Outcome of one send: {@code error} is null on success. Called on the producer's I/O thread. */
    @FunctionalInterface
    interface SendCallback
    {
        void onCompletion(Exception error);
    }

    /** Receives each consumed record's key and value (either may be null). */
    @FunctionalInterface
    interface RecordSink
    {
        void onRecord(byte[] key, byte[] value);
    }

    /** A producer of null-keyed byte[] records. */
    interface Producer extends AutoCloseable
    {
        void send(String topic, byte[] value, SendCallback callback);

        void flush();

        @Override
        void close();
    }

    /** A consumer in assign mode (no group): every partition of one topic. */
    interface Consumer extends AutoCloseable
    {
        /**
         * Assigns every partition of {@code topic}, waiting up to {@code timeout} for the topic's
         * metadata, and positions each at its start or its end; the positions are resolved before
         * this returns, so records produced afterwards are all seen.
         *
         * @return the number of partitions assigned
         */
        int assignAll(String topic, boolean fromBeginning, Duration timeout);

        /** Hands every record of one poll to {@code sink}; returns how many there were. */
        int poll(Duration timeout, RecordSink sink);

        @Override
        void close();
    }
}
