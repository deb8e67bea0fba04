package io.osprey.log;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The partition logs of one log directory and the node-level checkpoints beside them:
 * {@code recovery-point-offset-checkpoint} (per partition, the offset below which data was
 * flushed, so recovery scans only what follows), {@code log-start-offset-checkpoint}
 * (per partition, the first offset retention kept), {@code replication-offset-checkpoint} (per
 * partition, the high watermark, Kafka's name and format) and {@code cleaner-offset-checkpoint}
 * (per compacted partition, the log cleaner's first dirty offset). Partition directories are named
 * {@code <topic>-<partition>}. The manager owns the {@link LogCleaner} of its logs once
 * {@link #startCleaner} created it.
 * <p>
 * Thread-safety: the map of logs is concurrent; each log's mutating calls belong to its
 * single writer, and {@link #checkpoint()} reads only published, volatile positions.
 */
public final class LogManager implements AutoCloseable
{
    public static final String RECOVERY_POINT_CHECKPOINT = "recovery-point-offset-checkpoint";
    public static final String LOG_START_OFFSET_CHECKPOINT = "log-start-offset-checkpoint";
    public static final String REPLICATION_OFFSET_CHECKPOINT = "replication-offset-checkpoint";
    public static final String CLEANER_OFFSET_CHECKPOINT = "cleaner-offset-checkpoint";

    private final Path logDir;
    private final Map<String, PartitionLog> logs = new ConcurrentHashMap<>();
    private final Map<String, Long> recoveryPoints;
    private final Map<String, Long> startOffsets;
    private volatile LogCleaner cleaner;

    /**
     * Opens every partition directory under {@code logDir}, recovering each from its
     * checkpointed recovery point and giving it its checkpointed log start offset and high
     * watermark (0 for a partition a checkpoint does not name, or when the file is missing, as in
     * a directory written before the high watermark was checkpointed).
     *
     * @param configFor the log config of a partition, by directory name
     */
    public LogManager(final Path logDir, final Function<String, LogConfig> configFor, final long nowMs) throws IOException
    {
        this(logDir, configFor, name -> true, nowMs);
    }

    /**
     * As above, but partition directories for which {@code keep} is false are deleted instead of
     * opened: leftovers of a topic whose deletion was cut short (a crash between removing the
     * topic from the metadata and deleting its directories). Opening them would keep their files
     * mapped and, worse, hand their old records to a new topic of the same name.
     */
    public LogManager(final Path logDir, final Function<String, LogConfig> configFor, final java.util.function.Predicate<String> keep,
        final long nowMs) throws IOException
    {
        this.logDir = logDir;
        Files.createDirectories(logDir);
        recoveryPoints = readOffsets(logDir.resolve(RECOVERY_POINT_CHECKPOINT));
        startOffsets = readOffsets(logDir.resolve(LOG_START_OFFSET_CHECKPOINT));
        final Map<String, Long> highWatermarks = readOffsets(logDir.resolve(REPLICATION_OFFSET_CHECKPOINT));
        final Map<String, Long> firstDirty = readOffsets(logDir.resolve(CLEANER_OFFSET_CHECKPOINT));
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(logDir, Files::isDirectory))
        {
            for (final Path d : dirs)
            {
                final String name = d.getFileName().toString();
                if (isPartitionDirName(name) && !keep.test(name))
                {
                    org.slf4j.LoggerFactory.getLogger(LogManager.class).warn(
                        "Deleting {}: its topic is not in the metadata (a deletion that did not finish)", d);
                    deleteRecursively(d);
                }
                else if (isPartitionDirName(name))
                {
                    final PartitionLog log = PartitionLog.open(d, configFor.apply(name), recoveryPoints.getOrDefault(name, 0L),
                        startOffsets.getOrDefault(name, 0L), highWatermarks.getOrDefault(name, 0L), nowMs);
                    log.firstDirtyOffset(firstDirty.getOrDefault(name, 0L));
                    logs.put(name, log);
                }
            }
        }
        // A recovered log has its recovery point at its end; record that before anything else fails.
        try
        {
            checkpoint();
        }
        catch (final IOException e)
        {
            // A full disk must not keep the node from starting and serving reads: the old
            // checkpoints stay valid (recovery just scans more), and the periodic checkpoint retries.
            org.slf4j.LoggerFactory.getLogger(LogManager.class).warn(
                "Could not write the offset checkpoints in {} at start-up: {}", logDir, e.toString());
        }
    }

    public static String dirName(final String topic, final int partition)
    {
        return topic + "-" + partition;
    }

    static boolean isPartitionDirName(final String name)
    {
        final int dash = name.lastIndexOf('-');
        if (dash <= 0 || dash == name.length() - 1)
        {
            return false;
        }
        for (int i = dash + 1; i < name.length(); i++)
        {
            if (!Character.isDigit(name.charAt(i)))
            {
                return false;
            }
        }
        return true;
    }

    public Path logDir()
    {
        return logDir;
    }

    public PartitionLog get(final String topic, final int partition)
    {
        return logs.get(dirName(topic, partition));
    }

    public PartitionLog getOrCreate(final String topic, final int partition, final LogConfig config, final long nowMs)
        throws IOException
    {
        final String name = dirName(topic, partition);
        PartitionLog log = logs.get(name);
        if (log == null)
        {
            log = PartitionLog.open(logDir.resolve(name), config, 0, 0, 0, nowMs);
            final PartitionLog raced = logs.putIfAbsent(name, log);
            if (raced != null)
            {
                log.close();
                log = raced;
            }
        }
        return log;
    }

    public Map<String, PartitionLog> logs()
    {
        return Map.copyOf(logs);
    }

    /** Closes and removes a partition's directory. The caller owns the log's writer. */
    public void delete(final String topic, final int partition) throws IOException
    {
        final String name = dirName(topic, partition);
        final PartitionLog log = logs.get(name);
        if (log != null)
        {
            delete(log);
        }
    }

    /**
     * Closes and removes {@code log}'s directory, if it is still the log registered under its
     * name (a topic re-created meanwhile has a new log that must not be touched).
     */
    public void delete(final PartitionLog log) throws IOException
    {
        final LogCleaner c = cleaner;
        try
        {
            if (logs.remove(log.dir().getFileName().toString(), log))
            {
                // A no-op wait after abortCleaning(log), which lets the caller wait on another thread.
                abortCleaning(log);
                log.closeForDelete();
                deleteRecursively(log.dir());
                // No checkpoint here: the caller writes one after a batch of deletions. A checkpoint
                // still naming a deleted log is harmless: entries are only read for directories found.
            }
        }
        finally
        {
            if (c != null)
            {
                c.forget(log);
            }
        }
    }

    /**
     * Stops any cleaning of {@code log} and keeps the cleaner off it until {@link #delete(PartitionLog)}:
     * called before handing the deletion to the log's writer, so the writer never waits for the cleaner.
     */
    public void abortCleaning(final PartitionLog log)
    {
        final LogCleaner c = cleaner;
        if (c != null)
        {
            try
            {
                c.abortAndWait(log);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Creates the log cleaner of these logs and starts its threads (none when
     * {@code log.cleaner.enable=false}; {@link #cleaner()}{@code .cleanNow} still works).
     */
    public synchronized LogCleaner startCleaner(final CleanerConfig config)
    {
        if (cleaner == null)
        {
            cleaner = new LogCleaner(config, logs::values, this::checkpointCleanerQuietly);
            cleaner.startup();
        }
        return cleaner;
    }

    /** The cleaner started by {@link #startCleaner}, or null. */
    public LogCleaner cleaner()
    {
        return cleaner;
    }

    /** Writes {@code cleaner-offset-checkpoint}: every log's first dirty offset, where the cleaner moved it. */
    public synchronized void checkpointCleaner() throws IOException
    {
        final List<CheckpointFiles.Line> lines = new ArrayList<>();
        for (final Map.Entry<String, PartitionLog> e : logs.entrySet())
        {
            final long firstDirty = e.getValue().firstDirtyOffset();
            if (firstDirty > 0)
            {
                lines.add(new CheckpointFiles.Line(e.getKey(), Long.toString(firstDirty)));
            }
        }
        CheckpointFiles.write(logDir.resolve(CLEANER_OFFSET_CHECKPOINT), lines);
    }

    private void checkpointCleanerQuietly()
    {
        try
        {
            checkpointCleaner();
        }
        catch (final IOException e)
        {
            org.slf4j.LoggerFactory.getLogger(LogManager.class).warn("Could not write {}: {}", CLEANER_OFFSET_CHECKPOINT,
                e.toString());
        }
    }

    /**
     * Writes the recovery-point, log-start-offset and replication-offset checkpoints from every
     * log's published positions. Each file is rewritten from the logs open now, so a deleted
     * log's lines go with the next checkpoint.
     */
    public synchronized void checkpoint() throws IOException
    {
        final List<CheckpointFiles.Line> rp = new ArrayList<>();
        final List<CheckpointFiles.Line> so = new ArrayList<>();
        final List<CheckpointFiles.Line> hw = new ArrayList<>();
        for (final Map.Entry<String, PartitionLog> e : logs.entrySet())
        {
            final PartitionLog log = e.getValue();
            rp.add(new CheckpointFiles.Line(e.getKey(), Long.toString(log.recoveryPoint())));
            so.add(new CheckpointFiles.Line(e.getKey(), Long.toString(log.logStartOffset())));
            hw.add(highWatermarkLine(e.getKey(), log));
        }
        CheckpointFiles.write(logDir.resolve(RECOVERY_POINT_CHECKPOINT), rp);
        CheckpointFiles.write(logDir.resolve(LOG_START_OFFSET_CHECKPOINT), so);
        CheckpointFiles.write(logDir.resolve(REPLICATION_OFFSET_CHECKPOINT), hw);
    }

    /**
     * Writes {@code log-start-offset-checkpoint} alone: after DeleteRecords moved log starts, so
     * a restart does not bring the deleted records back ({@link #checkpoint()} writes it too).
     */
    public synchronized void checkpointLogStartOffsets() throws IOException
    {
        final List<CheckpointFiles.Line> so = new ArrayList<>();
        for (final Map.Entry<String, PartitionLog> e : logs.entrySet())
        {
            so.add(new CheckpointFiles.Line(e.getKey(), Long.toString(e.getValue().logStartOffset())));
        }
        CheckpointFiles.write(logDir.resolve(LOG_START_OFFSET_CHECKPOINT), so);
    }

    /**
     * Writes {@code replication-offset-checkpoint} alone, for a caller that checkpoints high
     * watermarks on their own schedule ({@code replica.high.watermark.checkpoint.interval.ms});
     * {@link #checkpoint()} writes it too.
     */
    public synchronized void checkpointHighWatermarks() throws IOException
    {
        final List<CheckpointFiles.Line> hw = new ArrayList<>();
        for (final Map.Entry<String, PartitionLog> e : logs.entrySet())
        {
            hw.add(highWatermarkLine(e.getKey(), e.getValue()));
        }
        CheckpointFiles.write(logDir.resolve(REPLICATION_OFFSET_CHECKPOINT), hw);
    }

    /**
     * The stored high watermark, not {@link PartitionLog#highWatermark()}: that is the log end
     * until the replication layer drives the log, and writing it for a log not yet handed over
     * after a restart would replace its committed offset with possibly uncommitted ones.
     */
    private static CheckpointFiles.Line highWatermarkLine(final String name, final PartitionLog log)
    {
        return new CheckpointFiles.Line(name, Long.toString(log.storedHighWatermark()));
    }

    private static Map<String, Long> readOffsets(final Path path) throws IOException
    {
        final Map<String, Long> result = new HashMap<>();
        for (final CheckpointFiles.Line line : CheckpointFiles.read(path))
        {
            try
            {
                result.put(line.first(), Long.parseLong(line.second()));
            }
            catch (final NumberFormatException e)
            {
                throw new IOException("Checkpoint " + path + " has a malformed offset '" + line.second() + "'", e);
            }
        }
        return result;
    }

    /**
     * Deletes {@code dir} and everything under it. Entries that vanish meanwhile are fine: the
     * segment deleter thread may be unlinking a log's {@code .deleted} files while the log itself
     * is deleted (a topic deleted right after retention ran), and that must not fail the deletion.
     */
    static void deleteRecursively(final Path dir) throws IOException
    {
        Files.walkFileTree(dir, new SimpleFileVisitor<>()
        {
            @Override
            public FileVisitResult visitFile(final Path file, final BasicFileAttributes attrs) throws IOException
            {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(final Path file, final IOException e) throws IOException
            {
                if (e instanceof NoSuchFileException)
                {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(final Path d, final IOException e) throws IOException
            {
                if (e != null && !(e instanceof NoSuchFileException))
                {
                    throw e;
                }
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Clean shutdown: closes every log (flush and trim), then records recovery points at the log ends. */
    @Override
    public void close() throws IOException
    {
        final LogCleaner c = cleaner;
        if (c != null)
        {
            c.close();
        }
        for (final PartitionLog log : logs.values())
        {
            log.close();
        }
        checkpoint();
        checkpointCleaner();
    }
}
