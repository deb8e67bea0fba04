package io.osprey.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Producer-state snapshot files: {@code <offset>.snapshot} in the partition directory, the
 * offset written with 20 digits like a segment name. A snapshot holds the whole
 * {@link ProducerStateTable} as of that log offset: every batch below the offset is reflected,
 * none at or above it. Recovery loads the newest valid snapshot at or below the log end and
 * replays only the batches after it, which bounds the work of a restart.
 * <p>
 * Layout, big-endian, offsets from the start of the file:
 * <pre>
 *   0 version int16               1
 *   2 crc uint32                  CRC-32C (Castagnoli) of bytes 6 to the end of the file
 *   6 snapshotOffset int64        the log offset the state is as of; equals the file name
 *  14 entryCount int32            N, at least 0
 *  18 N entries, ascending producer id, each 19 + 32 * B bytes:
 *      +0  producerId int64
 *      +8  producerEpoch int16
 *      +10 lastSeenMs int64       largest batch maxTimestamp seen (what expiry measures from)
 *      +18 batchCount int8        B, 1 to 5
 *      +19 B batches, oldest first, 32 bytes each:
 *          +0  firstSequence int32
 *          +4  lastSequence int32
 *          +8  firstOffset int64
 *          +16 lastOffset int64
 *          +24 maxTimestamp int64
 * </pre>
 * A file is valid only when its version is known, its CRC matches, its snapshot offset matches
 * its name, every batch count lies in 1..5, and the entries end exactly at the end of the file.
 * Anything else is logged and the file skipped (and deleted), so the state comes from an older
 * snapshot or from the log start instead.
 * <p>
 * Files are written to {@code <name>.tmp}, fsynced, atomically renamed and the directory fsynced
 * (as {@link CheckpointFiles} does): a crash leaves the old set of snapshots or the new one, and
 * a stray {@code .tmp} is removed when the log opens. Entries are sorted by producer id so that
 * replicas with the same state write the same bytes.
 * <p>
 * Thread-safety: stateless static methods; the partition's writer calls them.
 */
final class ProducerStateSnapshots
{
    static final String SUFFIX = ".snapshot";
    static final short VERSION = 1;
    static final int CRC_OFFSET = 2;
    static final int CRC_START = 6;
    static final int HEADER_SIZE = 18;
    static final int ENTRY_HEADER_SIZE = 19;
    static final int BATCH_SIZE = 32;
    /** Snapshots kept: the newest, and one to fall back to if the newest is found corrupt. */
    static final int RETAINED = 2;

    private static final Logger LOG = LoggerFactory.getLogger(ProducerStateSnapshots.class);

    private ProducerStateSnapshots()
    {
    }

    static Path path(final Path dir, final long offset)
    {
        return dir.resolve(Segment.fileName(offset, SUFFIX));
    }

    /** The whole table as the bytes of a snapshot at {@code offset}. */
    static ByteBuffer encode(final long offset, final ProducerStateTable table)
    {
        final int[] size = {HEADER_SIZE};
        table.forEach(e -> size[0] += ENTRY_HEADER_SIZE + e.batchCount() * BATCH_SIZE);
        final ByteBuffer buf = ByteBuffer.allocate(size[0]);
        buf.putShort(VERSION).putInt(0).putLong(offset).putInt(table.size());
        table.forEach(e ->
        {
            buf.putLong(e.producerId()).putShort(e.epoch()).putLong(e.lastSeenMs()).put((byte)e.batchCount());
            for (int age = 0; age < e.batchCount(); age++)
            {
                buf.putInt(e.firstSequence(age)).putInt(e.lastSequence(age)).putLong(e.firstOffset(age))
                    .putLong(e.lastOffset(age)).putLong(e.maxTimestamp(age));
            }
        });
        buf.flip();
        buf.putInt(CRC_OFFSET, (int)crc(buf));
        return buf;
    }

    /**
     * Fills the empty table {@code into} from snapshot bytes.
     *
     * @throws IOException naming what is wrong when the bytes are not a valid snapshot at
     *                     {@code expectedOffset}; {@code into} may then hold part of them
     */
    static void decode(final ByteBuffer buf, final long expectedOffset, final ProducerStateTable into) throws IOException
    {
        if (buf.remaining() < HEADER_SIZE)
        {
            throw new IOException("snapshot is " + buf.remaining() + " bytes, shorter than its " + HEADER_SIZE + "-byte header");
        }
        final int base = buf.position();
        final short version = buf.getShort(base);
        if (version != VERSION)
        {
            throw new IOException("snapshot version " + version + " is not supported; only " + VERSION + " is");
        }
        final long stored = buf.getInt(base + CRC_OFFSET) & 0xFFFF_FFFFL;
        final long computed = crc(buf);
        if (stored != computed)
        {
            throw new IOException("snapshot CRC mismatch: stored " + stored + ", computed " + computed);
        }
        final long offset = buf.getLong(base + 6);
        if (offset != expectedOffset)
        {
            throw new IOException("snapshot holds offset " + offset + " but is named for " + expectedOffset);
        }
        final int count = buf.getInt(base + 14);
        if (count < 0)
        {
            throw new IOException("snapshot has a negative entry count " + count);
        }
        int p = base + HEADER_SIZE;
        final int end = buf.limit();
        for (int i = 0; i < count; i++)
        {
            if (end - p < ENTRY_HEADER_SIZE)
            {
                throw new IOException("snapshot ends inside entry " + i + " of " + count);
            }
            final long producerId = buf.getLong(p);
            final short epoch = buf.getShort(p + 8);
            final long lastSeenMs = buf.getLong(p + 10);
            final int batches = buf.get(p + 18);
            if (batches < 1 || batches > ProducerStateEntry.MAX_BATCHES || end - p - ENTRY_HEADER_SIZE < batches * BATCH_SIZE)
            {
                throw new IOException("snapshot entry " + i + " of producer " + producerId + " has a bad batch count " + batches);
            }
            final ProducerStateEntry entry = new ProducerStateEntry(producerId, epoch);
            int q = p + ENTRY_HEADER_SIZE;
            for (int b = 0; b < batches; b++, q += BATCH_SIZE)
            {
                entry.addBatch(buf.getInt(q), buf.getInt(q + 4), buf.getLong(q + 8), buf.getLong(q + 16), buf.getLong(q + 24));
            }
            entry.lastSeenMs(lastSeenMs);
            into.put(entry);
            p = q;
        }
        if (p != end)
        {
            throw new IOException((end - p) + " bytes follow the last of " + count + " snapshot entries");
        }
    }

    /** Writes the table as the snapshot at {@code offset}, atomically, replacing one of the same offset. */
    static void write(final Path dir, final long offset, final ProducerStateTable table) throws IOException
    {
        final ByteBuffer bytes = encode(offset, table);
        final Path file = path(dir, offset);
        final Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            while (bytes.hasRemaining())
            {
                ch.write(bytes);
            }
            ch.force(true);
        }
        catch (final IOException e)
        {
            // A full disk: do not leave a partial temporary file taking space until the next open.
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        CheckpointFiles.fsyncDirectory(dir);
    }

    /** Reads the snapshot at {@code offset} into the empty table {@code into}. */
    static void read(final Path dir, final long offset, final ProducerStateTable into) throws IOException
    {
        decode(ByteBuffer.wrap(Files.readAllBytes(path(dir, offset))), offset, into);
    }

    /**
     * Clears {@code into} and fills it from the newest valid snapshot at or below
     * {@code maxOffset}. Invalid snapshots met on the way are logged and deleted.
     *
     * @return the offset of the snapshot loaded, or -1 when none was (the table stays empty)
     */
    static long loadNewest(final Path dir, final long maxOffset, final ProducerStateTable into) throws IOException
    {
        final long[] offsets = offsets(dir);
        for (int i = offsets.length - 1; i >= 0; i--)
        {
            final long offset = offsets[i];
            if (offset > maxOffset)
            {
                continue;
            }
            into.clear();
            try
            {
                read(dir, offset, into);
                return offset;
            }
            catch (final IOException e)
            {
                LOG.warn("Ignoring producer-state snapshot {}: {}; rebuilding from an older snapshot or the log start",
                    path(dir, offset), e.getMessage());
                into.clear();
                Files.deleteIfExists(path(dir, offset));
            }
        }
        into.clear();
        return -1;
    }

    /** Offsets of the snapshot files in {@code dir}, ascending. */
    static long[] offsets(final Path dir) throws IOException
    {
        long[] found = new long[4];
        int n = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX))
        {
            for (final Path f : files)
            {
                final String name = f.getFileName().toString();
                final String digits = name.substring(0, name.length() - SUFFIX.length());
                if (digits.length() == 20 && digits.chars().allMatch(Character::isDigit))
                {
                    if (n == found.length)
                    {
                        found = Arrays.copyOf(found, n * 2);
                    }
                    found[n++] = Long.parseLong(digits);
                }
            }
        }
        final long[] result = Arrays.copyOf(found, n);
        Arrays.sort(result);
        return result;
    }

    /** Deletes snapshots of offsets above {@code offset}: they describe batches the log no longer has. */
    static void deleteAbove(final Path dir, final long offset) throws IOException
    {
        boolean deleted = false;
        for (final long o : offsets(dir))
        {
            if (o > offset)
            {
                deleted |= Files.deleteIfExists(path(dir, o));
            }
        }
        if (deleted)
        {
            // A resurrected snapshot above the end would describe batches that were truncated away.
            CheckpointFiles.fsyncDirectory(dir);
        }
    }

    /** Deletes all but the newest {@code keep} snapshots. */
    static void retainNewest(final Path dir, final int keep) throws IOException
    {
        final long[] offsets = offsets(dir);
        for (int i = 0; i < offsets.length - keep; i++)
        {
            Files.deleteIfExists(path(dir, offsets[i]));
        }
    }

    static void deleteAll(final Path dir) throws IOException
    {
        deleteAbove(dir, -1);
    }

    private static long crc(final ByteBuffer buf)
    {
        final CRC32C crc = new CRC32C();
        final ByteBuffer covered = buf.duplicate();
        covered.position(buf.position() + CRC_START);
        crc.update(covered);
        return crc.getValue();
    }
}
