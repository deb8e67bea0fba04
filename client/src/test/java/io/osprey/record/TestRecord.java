package io.osprey.record;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;

/** A record as a test expects to read it back, and the jqwik generators that make them. */
record TestRecord(long timestamp, byte[] key, byte[] value, Header[] headers)
{
    @Override
    public boolean equals(final Object other)
    {
        return other instanceof TestRecord r && timestamp == r.timestamp && Arrays.equals(key, r.key)
            && Arrays.equals(value, r.value) && Arrays.equals(headers, r.headers);
    }

    @Override
    public int hashCode()
    {
        return Long.hashCode(timestamp) * 31 + Arrays.hashCode(key) + Arrays.hashCode(value);
    }

    @Override
    public String toString()
    {
        return "TestRecord{ts=" + timestamp + ", key=" + (key == null ? "null" : key.length) +
            ", value=" + (value == null ? "null" : value.length) + ", headers=" + Arrays.toString(headers) + '}';
    }

    static Arbitrary<byte[]> nullableBytes(final int maxSize)
    {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(maxSize).injectNull(0.2);
    }

    /** Like {@link #nullableBytes} but sizes spread evenly, so large values and multi-block batches are common too. */
    static Arbitrary<byte[]> nullableBytesUniform(final int maxSize)
    {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(maxSize)
            .withSizeDistribution(RandomDistribution.uniform()).injectNull(0.2);
    }

    /** Header keys with multi-byte and supplementary characters, never unpaired surrogates. */
    static Arbitrary<String> headerKeys()
    {
        final Arbitrary<Integer> codePoint = Arbitraries.oneOf(
            Arbitraries.integers().between(0x20, 0x7E),
            Arbitraries.integers().between(0xA0, 0xD7FF),
            Arbitraries.integers().between(0x1F300, 0x1F64F));
        return codePoint.list().ofMaxSize(12)
            .map(cps -> cps.stream().map(Character::toString).collect(Collectors.joining()));
    }

    static Arbitrary<Header> anyHeader()
    {
        return Combinators.combine(headerKeys(), nullableBytes(40)).as(Header::new);
    }

    static Arbitrary<TestRecord> anyRecord()
    {
        return Combinators.combine(
            Arbitraries.longs().between(0, Long.MAX_VALUE),
            nullableBytes(2000),
            Arbitraries.oneOf(nullableBytes(2000), nullableBytesUniform(2000)),
            anyHeader().array(Header[].class).ofMaxSize(4))
            .as(TestRecord::new);
    }

    static Arbitrary<List<TestRecord>> recordLists()
    {
        return anyRecord().list().ofMinSize(1).ofMaxSize(40).withSizeDistribution(RandomDistribution.uniform());
    }

    static long maxTimestamp(final List<TestRecord> records)
    {
        return records.stream().mapToLong(TestRecord::timestamp).max().orElse(RecordBatch.NO_TIMESTAMP);
    }
}
