package io.osprey.log;

import java.nio.ByteBuffer;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The log cleaner's map from record key to the latest offset at which the key was seen in the
 * dirty section of a log (Kafka's {@code SkimpyOffsetMap}).
 * <p>
 * Keys are not stored: each is hashed to a 16-byte MD5 digest, and the table holds only the
 * digest and the offset. Two distinct keys would have to share a 128-bit digest to be confused,
 * which is far less likely than a disk error. Layout: one preallocated heap array of slots of
 * {@link #SLOT_SIZE} bytes, {@code digest[16]} then {@code offset + 1 int64} (0 marks an empty
 * slot), found by linear probing from the slot the digest's first four bytes name. Lookups and
 * inserts allocate nothing: the key is copied into a reusable scratch array for the digest.
 * <p>
 * The table is filled at most to {@code loadFactor} of its slots
 * ({@code log.cleaner.io.buffer.load.factor}) so probe sequences stay short; {@link #canTake}
 * tells the cleaner when a batch no longer fits, and the cleaner then cleans only up to that
 * batch. The array grows (up to {@code maxBytes}, the thread's share of
 * {@code log.cleaner.dedupe.buffer.size}) to what a pass needs and is reused by later passes.
 * <p>
 * Not thread-safe: one map per cleaner thread.
 */
final class OffsetMap
{
    static final int DIGEST_SIZE = 16;
    static final int SLOT_SIZE = DIGEST_SIZE + 8;
    /** Fewest slots a map is sized to, so tiny passes do not reallocate over and over. */
    static final int MIN_SLOTS = 1024;

    private final MessageDigest md5;
    private final byte[] digest = new byte[DIGEST_SIZE];
    private final ByteBuffer digestView = ByteBuffer.wrap(digest);
    private final long maxBytes;
    private final double loadFactor;
    private byte[] keyScratch = new byte[256];
    private ByteBuffer slots = ByteBuffer.allocate(0);
    private int slotCount;
    private int maxEntries;
    private int entries;

    OffsetMap(final long maxBytes, final double loadFactor)
    {
        if (loadFactor <= 0 || loadFactor > 1)
        {
            throw new IllegalArgumentException("load factor must be in (0, 1]: " + loadFactor);
        }
        this.maxBytes = Math.max(maxBytes, (long)MIN_SLOTS * SLOT_SIZE);
        this.loadFactor = loadFactor;
        try
        {
            md5 = MessageDigest.getInstance("MD5");
        }
        catch (final NoSuchAlgorithmException e)
        {
            throw new IllegalStateException("every JVM must provide MD5", e);
        }
    }

    /** Most entries a map of the configured size can take. */
    int maxCapacity()
    {
        return (int)Math.min(Integer.MAX_VALUE, (long)((maxBytes / SLOT_SIZE) * loadFactor));
    }

    /**
     * Empties the map and sizes it for {@code expectedEntries} (at most {@link #maxCapacity()}),
     * reusing the array when it is large enough.
     */
    void reset(final long expectedEntries)
    {
        final long wanted = Math.max(MIN_SLOTS, (long)Math.ceil(Math.max(1, expectedEntries) / loadFactor) + 1);
        final int count = (int)Math.min(wanted, Math.min(Integer.MAX_VALUE / SLOT_SIZE, maxBytes / SLOT_SIZE));
        if (slots.capacity() < count * SLOT_SIZE)
        {
            slots = ByteBuffer.allocate(count * SLOT_SIZE);
        }
        else
        {
            Arrays.fill(slots.array(), 0, slotCount * SLOT_SIZE, (byte)0);
        }
        slotCount = count;
        maxEntries = Math.max(1, (int)(count * loadFactor));
        entries = 0;
    }

    int size()
    {
        return entries;
    }

    /** True when {@code more} new keys still fit under the load factor. */
    boolean canTake(final int more)
    {
        return (long)entries + more <= maxEntries;
    }

    /**
     * Records that the key in {@code buffer[position, position + length)} was seen at
     * {@code offset}; the caller puts offsets in increasing order and checks {@link #canTake} first.
     */
    void put(final ByteBuffer buffer, final int position, final int length, final long offset)
    {
        hash(buffer, position, length);
        final long d0 = digestView.getLong(0);
        final long d1 = digestView.getLong(8);
        int slot = firstSlot(d0);
        while (true)
        {
            final int at = slot * SLOT_SIZE;
            final long stored = slots.getLong(at + DIGEST_SIZE);
            if (stored == 0)
            {
                if (entries >= maxEntries)
                {
                    throw new IllegalStateException("offset map is full: " + entries + " entries in " + slotCount + " slots");
                }
                slots.putLong(at, d0);
                slots.putLong(at + 8, d1);
                slots.putLong(at + DIGEST_SIZE, offset + 1);
                entries++;
                return;
            }
            if (slots.getLong(at) == d0 && slots.getLong(at + 8) == d1)
            {
                slots.putLong(at + DIGEST_SIZE, offset + 1);
                return;
            }
            slot = slot + 1 == slotCount ? 0 : slot + 1;
        }
    }

    /** The latest offset recorded for the key, or -1 when it is not in the map. */
    long get(final ByteBuffer buffer, final int position, final int length)
    {
        hash(buffer, position, length);
        final long d0 = digestView.getLong(0);
        final long d1 = digestView.getLong(8);
        int slot = firstSlot(d0);
        // At most slotCount probes: the load factor keeps empty slots, but stay bounded regardless.
        for (int probes = 0; probes < slotCount; probes++)
        {
            final int at = slot * SLOT_SIZE;
            final long stored = slots.getLong(at + DIGEST_SIZE);
            if (stored == 0)
            {
                return -1;
            }
            if (slots.getLong(at) == d0 && slots.getLong(at + 8) == d1)
            {
                return stored - 1;
            }
            slot = slot + 1 == slotCount ? 0 : slot + 1;
        }
        return -1;
    }

    private int firstSlot(final long d0)
    {
        return (int)((d0 >>> 33) % slotCount);
    }

    private void hash(final ByteBuffer buffer, final int position, final int length)
    {
        if (keyScratch.length < length)
        {
            keyScratch = new byte[Math.max(length, keyScratch.length * 2)];
        }
        buffer.get(position, keyScratch, 0, length);
        md5.update(keyScratch, 0, length);
        try
        {
            md5.digest(digest, 0, DIGEST_SIZE);
        }
        catch (final DigestException e)
        {
            throw new IllegalStateException("MD5 digest of 16 bytes refused", e);
        }
    }
}
