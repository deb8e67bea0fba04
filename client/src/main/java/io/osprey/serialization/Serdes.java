package io.osprey.serialization;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The common serializers and deserializers, byte-compatible with Kafka's (UTF-8 strings,
 * big-endian integers and longs, raw byte arrays), so data written by either client reads the
 * same with the other. Class names match what Kafka users put in {@code key.serializer}.
 */
public final class Serdes
{
    private Serdes()
    {
    }

    /** UTF-8 strings. */
    public static final class StringSerializer implements Serializer<String>
    {
        @Override
        public byte[] serialize(final String topic, final String data)
        {
            return data == null ? null : data.getBytes(StandardCharsets.UTF_8);
        }
    }

    /** UTF-8 strings. */
    public static final class StringDeserializer implements Deserializer<String>
    {
        @Override
        public String deserialize(final String topic, final byte[] data)
        {
            return data == null ? null : new String(data, StandardCharsets.UTF_8);
        }
    }

    /** Bytes as they are. */
    public static final class ByteArraySerializer implements Serializer<byte[]>
    {
        @Override
        public byte[] serialize(final String topic, final byte[] data)
        {
            return data;
        }
    }

    /** Bytes as they are. */
    public static final class ByteArrayDeserializer implements Deserializer<byte[]>
    {
        @Override
        public byte[] deserialize(final String topic, final byte[] data)
        {
            return data;
        }
    }

    /** 4-byte big-endian integers. */
    public static final class IntegerSerializer implements Serializer<Integer>
    {
        @Override
        public byte[] serialize(final String topic, final Integer data)
        {
            return data == null ? null : ByteBuffer.allocate(4).putInt(data).array();
        }
    }

    /** 4-byte big-endian integers. */
    public static final class IntegerDeserializer implements Deserializer<Integer>
    {
        @Override
        public Integer deserialize(final String topic, final byte[] data)
        {
            if (data == null)
            {
                return null;
            }
            if (data.length != 4)
            {
                throw new IllegalArgumentException("An integer needs 4 bytes, got " + data.length);
            }
            return ByteBuffer.wrap(data).getInt();
        }
    }

    /** 8-byte big-endian longs. */
    public static final class LongSerializer implements Serializer<Long>
    {
        @Override
        public byte[] serialize(final String topic, final Long data)
        {
            return data == null ? null : ByteBuffer.allocate(8).putLong(data).array();
        }
    }

    /** 8-byte big-endian longs. */
    public static final class LongDeserializer implements Deserializer<Long>
    {
        @Override
        public Long deserialize(final String topic, final byte[] data)
        {
            if (data == null)
            {
                return null;
            }
            if (data.length != 8)
            {
                throw new IllegalArgumentException("A long needs 8 bytes, got " + data.length);
            }
            return ByteBuffer.wrap(data).getLong();
        }
    }
}
