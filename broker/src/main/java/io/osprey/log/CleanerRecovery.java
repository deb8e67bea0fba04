package io.osprey.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.osprey.record.RecordBatch;

/**
 * The file protocol of a segment swap by the log cleaner, and what a log does at open with the
 * files a crash left in the middle of one.
 * <p>
 * A swap (see {@link PartitionLog#replaceSegments}) goes: write {@code <base>.log.cleaned},
 * {@code .index.cleaned}, {@code .timeindex.cleaned} and fsync them; rename them to
 * {@code .swap}, the {@code .log} last, and fsync the directory (the commit point); rename the
 * replaced segments' files to {@code .deleted}; rename the {@code .swap} files to the segment
 * names, the {@code .log} first. At open, before segments are loaded:
 * <ul>
 *   <li>{@code *.cleaned} files are deleted: the swap never committed and the old segments are
 *       all still in place;</li>
 *   <li>a {@code <base>.log.swap} means the swap committed: every segment whose base offset lies
 *       in {@code [base, end of the swap's last batch]} is one it replaces, so its files are
 *       deleted (some may already be {@code .deleted}), and the {@code .swap} log takes the name
 *       {@code <base>.log}. A replaced segment whose records were all removed may start after
 *       the swap's last batch; it is kept, which serves records the cleaning would have dropped
 *       but never an offset twice;</li>
 *   <li>index {@code .swap} files are deleted, and with them the indexes of a completed swap:
 *       the segment then has no index and is scanned and re-indexed like any segment recovery
 *       does not trust.</li>
 * </ul>
 * Stateless; called by the partition's writer (at open and during the swap).
 */
final class CleanerRecovery
{
    private static final Logger LOG = LoggerFactory.getLogger(CleanerRecovery.class);
    private static final String[] SUFFIXES = {Segment.INDEX_SUFFIX, Segment.TIME_INDEX_SUFFIX, Segment.LOG_SUFFIX};

    private CleanerRecovery()
    {
    }

    /** Renames the three files of the segment at {@code base} from one suffix to another, the {@code .log} last. */
    static void rename(final Path dir, final long base, final String from, final String to) throws IOException
    {
        for (final String suffix : SUFFIXES)
        {
            final String name = Segment.fileName(base, suffix);
            Files.move(dir.resolve(name + from), dir.resolve(name + to));
        }
    }

    /** Deletes the three files of the segment at {@code base} that carry {@code suffix}. */
    static void deleteFiles(final Path dir, final long base, final String suffix) throws IOException
    {
        for (final String suffix0 : SUFFIXES)
        {
            Files.deleteIfExists(dir.resolve(Segment.fileName(base, suffix0) + suffix));
        }
    }

    /** Completes committed swaps and discards uncommitted cleaner output in {@code dir}. */
    static void completeOrDiscard(final Path dir) throws IOException
    {
        final List<Path> cleaned = new ArrayList<>();
        final List<Long> swaps = new ArrayList<>();
        final List<Path> indexSwaps = new ArrayList<>();
        final List<Long> bases = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir))
        {
            for (final Path f : files)
            {
                final String name = f.getFileName().toString();
                if (name.endsWith(Segment.CLEANED_SUFFIX))
                {
                    cleaned.add(f);
                }
                else if (name.endsWith(Segment.LOG_SUFFIX + Segment.SWAP_SUFFIX))
                {
                    swaps.add(parseBase(name, Segment.LOG_SUFFIX + Segment.SWAP_SUFFIX));
                }
                else if (name.endsWith(Segment.SWAP_SUFFIX))
                {
                    indexSwaps.add(f);
                }
                else if (name.endsWith(Segment.LOG_SUFFIX))
                {
                    bases.add(parseBase(name, Segment.LOG_SUFFIX));
                }
            }
        }
        for (final Path f : cleaned)
        {
            LOG.info("Deleting {}: a cleaning that did not commit", f);
            Files.deleteIfExists(f);
        }
        for (final Path f : indexSwaps)
        {
            Files.deleteIfExists(f);
        }
        swaps.sort(null);
        for (final long base : swaps)
        {
            if (base < 0)
            {
                continue;
            }
            final Path swap = dir.resolve(Segment.fileName(base, Segment.LOG_SUFFIX) + Segment.SWAP_SUFFIX);
            final long end = Math.max(nextOffset(swap, base), base + 1);
            for (final long b : bases)
            {
                if (b >= base && b < end)
                {
                    LOG.info("Deleting segment {} of {}: replaced by a committed cleaning", b, dir);
                    deleteFiles(dir, b, "");
                }
            }
            deleteFiles(dir, base, "");
            Files.move(swap, dir.resolve(Segment.fileName(base, Segment.LOG_SUFFIX)));
            LOG.info("Completed the swap of cleaned segment {} in {}", base, dir);
        }
        if (!swaps.isEmpty() || !cleaned.isEmpty())
        {
            CheckpointFiles.fsyncDirectory(dir);
        }
    }

    /** Offset after the last whole batch of a segment file, reading only batch headers. */
    static long nextOffset(final Path log, final long base) throws IOException
    {
        long next = base;
        final ByteBuffer header = ByteBuffer.allocate(RecordBatch.HEADER_SIZE);
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.READ))
        {
            final long size = ch.size();
            long p = 0;
            while (p + RecordBatch.HEADER_SIZE <= size)
            {
                header.clear();
                while (header.hasRemaining())
                {
                    if (ch.read(header, p + header.position()) <= 0)
                    {
                        break;
                    }
                }
                final int length = header.getInt(RecordBatch.BATCH_LENGTH_OFFSET);
                if (header.hasRemaining() || length < RecordBatch.HEADER_SIZE - RecordBatch.LOG_OVERHEAD ||
                    length > size - p - RecordBatch.LOG_OVERHEAD)
                {
                    break;
                }
                next = header.getLong(RecordBatch.BASE_OFFSET_OFFSET) + header.getInt(RecordBatch.LAST_OFFSET_DELTA_OFFSET) + 1;
                p += length + RecordBatch.LOG_OVERHEAD;
            }
        }
        return next;
    }

    private static long parseBase(final String name, final String suffix)
    {
        final String digits = name.substring(0, name.length() - suffix.length());
        if (digits.length() != 20 || !digits.chars().allMatch(Character::isDigit))
        {
            return -1;
        }
        return Long.parseLong(digits);
    }
}
