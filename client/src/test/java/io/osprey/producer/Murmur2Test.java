package io.osprey.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/** Kafka's own partitioning code is the referee: the same key must land in the same partition with either producer. */
class Murmur2Test
{
    private static final long SEED = 0x05_9747b28cL;

    @Test
    void shouldHashLikeKafkaForRandomByteArrays()
    {
        final Random random = new Random(SEED);
        for (int i = 0; i < 20_000; i++)
        {
            final byte[] data = new byte[random.nextInt(i < 1_000 ? 9 : 300)];
            random.nextBytes(data);
            assertThat(Murmur2.hash(data)).as("murmur2 of %d random bytes (seed %d, case %d)", data.length, SEED, i)
                .isEqualTo(Utils.murmur2(data));
        }
    }

    @Test
    void shouldHashTheEmptyArrayAndEveryTailLengthLikeKafka()
    {
        for (int length = 0; length <= 8; length++)
        {
            final byte[] data = new byte[length];
            for (int i = 0; i < length; i++)
            {
                data[i] = (byte)(0x80 + i * 37);
            }
            assertThat(Murmur2.hash(data)).as("length %d", length).isEqualTo(Utils.murmur2(data));
        }
    }

    @Test
    void shouldChooseTheSamePartitionAsKafkasBuiltInPartitioner()
    {
        final Random random = new Random(SEED + 1);
        for (int i = 0; i < 20_000; i++)
        {
            final byte[] key = i % 2 == 0 ? ("key-" + random.nextInt()).getBytes(StandardCharsets.UTF_8) : randomBytes(random);
            final int partitions = 1 + random.nextInt(1_000);
            assertThat(Murmur2.partitionForKey(key, partitions)).as("case %d with %d partitions", i, partitions)
                .isEqualTo(BuiltInPartitioner.partitionForKey(key, partitions));
        }
    }

    @Test
    void shouldClearOnlyTheSignBitLikeKafkasToPositive()
    {
        for (final int n : new int[] {0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, -123456789})
        {
            assertThat(Murmur2.toPositive(n)).isEqualTo(Utils.toPositive(n));
        }
    }

    private static byte[] randomBytes(final Random random)
    {
        final byte[] data = new byte[random.nextInt(64)];
        random.nextBytes(data);
        return data;
    }
}
