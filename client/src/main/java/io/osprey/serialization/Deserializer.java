package io.osprey.serialization;

import java.util.Map;

/** Turns bytes back into a key or value, as Kafka's {@code Deserializer}. */
@FunctionalInterface
public interface Deserializer<T> extends AutoCloseable
{
    default void configure(final Map<String, ?> configs, final boolean isKey)
    {
    }

    /** The value of {@code data}; null stays null. */
    T deserialize(String topic, byte[] data);

    @Override
    default void close()
    {
    }
}
