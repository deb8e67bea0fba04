package io.osprey.record;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One record header: a UTF-8 key and an optional value.
 * <p>
 * Wire layout inside a record: {@code keyLength varint, key UTF-8, valueLength varint (-1 for a
 * null value), value}. Kafka forbids null keys, so the key is required; the value may be null.
 * <p>
 * Equality compares the value's bytes, not the array's identity, so materialised headers can be
 * compared with the ones that were sent. The value array is not copied: treat it as immutable and
 * the header is then safe to share between threads.
 */
public record Header(String key, byte[] value)
{
    public Header
    {
        Objects.requireNonNull(key, "header key");
    }

    /** A header whose value is {@code value} encoded as UTF-8. */
    public static Header of(final String key, final String value)
    {
        return new Header(key, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public boolean equals(final Object other)
    {
        return other instanceof Header h && key.equals(h.key) && Arrays.equals(value, h.value);
    }

    @Override
    public int hashCode()
    {
        return 31 * key.hashCode() + Arrays.hashCode(value);
    }

    @Override
    public String toString()
    {
        return "Header{key=" + key + ", value=" + (value == null ? "null" : value.length + " bytes") + '}';
    }
}
