package io.osprey.producer;

/**
 * Kafka's key partitioning, bit for bit: {@code toPositive(murmur2(key)) % numPartitions} with
 * the murmur2 variant and seed ({@code 0x9747b28c}) of Kafka's {@code Utils.murmur2}. The same
 * serialized key therefore lands in the same partition whichever of the two producers sent it,
 * which applications that mix them (or move from one to the other) depend on. Stateless.
 */
public final class Murmur2
{
    private static final int SEED = 0x9747b28c;
    private static final int M = 0x5bd1e995;
    private static final int R = 24;

    private Murmur2()
    {
    }

    /** Kafka's {@code Utils.murmur2}: MurmurHash2, 32 bits, little-endian blocks. */
    public static int hash(final byte[] data)
    {
        final int length = data.length;
        int h = SEED ^ length;
        final int blocks = length >>> 2;
        for (int i = 0; i < blocks; i++)
        {
            final int i4 = i << 2;
            int k = (data[i4] & 0xff) + ((data[i4 + 1] & 0xff) << 8) + ((data[i4 + 2] & 0xff) << 16) + ((data[i4 + 3] & 0xff) << 24);
            k *= M;
            k ^= k >>> R;
            k *= M;
            h *= M;
            h ^= k;
        }
        // The tail, 1-3 bytes; written as ifs where the C original falls through a switch.
        final int tail = length & ~3;
        final int left = length & 3;
        if (left == 3)
        {
            h ^= (data[tail + 2] & 0xff) << 16;
        }
        if (left >= 2)
        {
            h ^= (data[tail + 1] & 0xff) << 8;
        }
        if (left >= 1)
        {
            h ^= data[tail] & 0xff;
            h *= M;
        }
        h ^= h >>> 13;
        h *= M;
        h ^= h >>> 15;
        return h;
    }

    /** Kafka's {@code Utils.toPositive}: clears the sign bit (not {@code Math.abs}, which keeps MIN_VALUE negative). */
    public static int toPositive(final int number)
    {
        return number & 0x7fffffff;
    }

    /** Kafka's {@code BuiltInPartitioner.partitionForKey}: the partition of a keyed record. */
    public static int partitionForKey(final byte[] serializedKey, final int numPartitions)
    {
        return toPositive(hash(serializedKey)) % numPartitions;
    }
}
