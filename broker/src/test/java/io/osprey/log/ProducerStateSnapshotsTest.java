package io.osprey.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.osprey.record.RecordBatch;

/** The snapshot file format and the directory rules: round trip, corruption, retention. */
class ProducerStateSnapshotsTest
{
    @TempDir
    Path dir;

    private static ProducerStateTable sample(final int producers)
    {
        final ProducerStateTable t = new ProducerStateTable(86_400_000L);
        long offset = 0;
        for (int p = producers; p >= 1; p--)
        {
            // Producer p has p + 3 batches: the ring wraps for the larger ones.
            for (int b = 0; b < p + 3; b++)
            {
                final int first = RecordBatch.incrementSequence(Integer.MAX_VALUE - 4, 2 * b); // sequences cross the wrap
                t.update(1000L * p, (short)p, first, RecordBatch.incrementSequence(first, 1), offset, offset + 1, 50_000 + b);
                offset += 2;
            }
        }
        t.entry(1000L).lastSeenMs(99_999);
        return t;
    }

    private static ProducerStateTable decode(final ByteBuffer bytes, final long offset) throws IOException
    {
        final ProducerStateTable t = new ProducerStateTable(86_400_000L);
        ProducerStateSnapshots.decode(bytes, offset, t);
        return t;
    }

    @Test
    void shouldRoundTripTheWholeTable() throws IOException
    {
        final ProducerStateTable original = sample(4);
        ProducerStateSnapshots.write(dir, 4711, original);
        final ProducerStateTable read = new ProducerStateTable(86_400_000L);
        ProducerStateSnapshots.read(dir, 4711, read);
        assertThat(read.toString()).isEqualTo(original.toString());
        assertThat(read.size()).isEqualTo(4);
        assertThat(read.entry(1000L).lastSeenMs()).isEqualTo(99_999);
        assertThat(read.entry(4000L).batchCount()).isEqualTo(ProducerStateEntry.MAX_BATCHES);
        assertThat(Files.exists(dir.resolve("00000000000000004711.snapshot"))).isTrue();
        assertThat(Files.size(dir.resolve("00000000000000004711.snapshot")))
            .isEqualTo(18 + 4 * 19 + (4 + 5 + 5 + 5) * 32);
        try (var files = Files.list(dir))
        {
            assertThat(files.filter(f -> f.toString().endsWith(".tmp")).count()).isZero();
        }
    }

    @Test
    void shouldRoundTripAnEmptyTable() throws IOException
    {
        final ByteBuffer bytes = ProducerStateSnapshots.encode(7, new ProducerStateTable(1));
        assertThat(bytes.remaining()).isEqualTo(ProducerStateSnapshots.HEADER_SIZE);
        assertThat(decode(bytes, 7).isEmpty()).isTrue();
    }

    @Test
    void shouldWriteTheSameBytesForTheSameState()
    {
        assertThat(ProducerStateSnapshots.encode(9, sample(3))).isEqualTo(ProducerStateSnapshots.encode(9, sample(3)));
    }

    @Test
    void shouldRejectEveryFlippedByte()
    {
        final ByteBuffer good = ProducerStateSnapshots.encode(42, sample(2));
        for (int i = 0; i < good.remaining(); i++)
        {
            final ByteBuffer bad = copy(good);
            bad.put(i, (byte)(bad.get(i) ^ 0x10));
            final int at = i;
            assertThatThrownBy(() -> decode(bad, 42)).as("flip at %d", at).isInstanceOf(IOException.class);
        }
    }

    @Test
    void shouldRejectEveryTruncationAndTrailingBytes()
    {
        final ByteBuffer good = ProducerStateSnapshots.encode(42, sample(2));
        for (int len = 0; len < good.remaining(); len++)
        {
            final ByteBuffer cut = copy(good).limit(len);
            final int at = len;
            assertThatThrownBy(() -> decode(cut, 42)).as("cut at %d", at).isInstanceOf(IOException.class);
        }
        final ByteBuffer longer = ByteBuffer.allocate(good.remaining() + 1).put(copy(good)).position(0);
        assertThatThrownBy(() -> decode(longer, 42)).isInstanceOf(IOException.class);
    }

    @Test
    void shouldRejectAnUnknownVersionAndASnapshotNamedForAnotherOffset()
    {
        final ByteBuffer v2 = ProducerStateSnapshots.encode(42, sample(1));
        v2.putShort(0, (short)2);
        assertThatThrownBy(() -> decode(v2, 42)).hasMessageContaining("version 2");
        assertThatThrownBy(() -> decode(ProducerStateSnapshots.encode(42, sample(1)), 43)).hasMessageContaining("named for 43");
    }

    @Test
    void shouldLoadTheNewestValidSnapshotAtOrBelowTheLimitAndDropCorruptOnes() throws IOException
    {
        ProducerStateSnapshots.write(dir, 10, sample(1));
        ProducerStateSnapshots.write(dir, 20, sample(2));
        ProducerStateSnapshots.write(dir, 30, sample(3));
        final Path newest = ProducerStateSnapshots.path(dir, 30);
        final byte[] bytes = Files.readAllBytes(newest);
        bytes[bytes.length - 3] ^= 1;
        Files.write(newest, bytes);

        final ProducerStateTable t = new ProducerStateTable(1);
        t.update(5, (short)0, 0, 0, 0, 0, 0); // stale content is replaced, not merged
        assertThat(ProducerStateSnapshots.loadNewest(dir, 100, t)).isEqualTo(20);
        assertThat(t.toString()).isEqualTo(sample(2).toString());
        assertThat(Files.exists(newest)).as("a corrupt snapshot is deleted").isFalse();

        assertThat(ProducerStateSnapshots.loadNewest(dir, 19, t)).isEqualTo(10);
        assertThat(t.toString()).isEqualTo(sample(1).toString());
        assertThat(ProducerStateSnapshots.loadNewest(dir, 9, t)).isEqualTo(-1);
        assertThat(t.isEmpty()).isTrue();
    }

    @Test
    void shouldKeepTheNewestSnapshotsAndDeleteThoseAboveAnOffset() throws IOException
    {
        for (final long o : new long[] {5, 10, 15, 20})
        {
            ProducerStateSnapshots.write(dir, o, sample(1));
        }
        ProducerStateSnapshots.retainNewest(dir, 2);
        assertThat(ProducerStateSnapshots.offsets(dir)).containsExactly(15L, 20L);
        ProducerStateSnapshots.deleteAbove(dir, 15);
        assertThat(ProducerStateSnapshots.offsets(dir)).containsExactly(15L);
        ProducerStateSnapshots.deleteAll(dir);
        assertThat(ProducerStateSnapshots.offsets(dir)).isEmpty();
    }

    private static ByteBuffer copy(final ByteBuffer b)
    {
        final ByteBuffer c = ByteBuffer.allocate(b.remaining());
        c.put(b.duplicate()).flip();
        return c;
    }
}
