package io.osprey.serialization;

import java.util.Map;

/** Turns a key or value into bytes, as Kafka's {@code Serializer}. Implementations must be thread-safe. */
@FunctionalInterface
public interface Serializer<T> extends AutoCloseable
{
    default void configure(final Map<String, ?> configs, final boolean isKey)
    {
    }

    /** The bytes of {@code data}; null stays null (a null key, or a tombstone value). */
    byte[] serialize(String topic, T data);

    @Override
    default void close()
    {
    }
}
