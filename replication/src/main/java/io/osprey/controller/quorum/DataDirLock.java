package io.osprey.controller.quorum;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * An exclusive OS lock on {@code metadata.log.dir/controller.lock}, held for the node's life.
 * <p>
 * Why: after a kill -9, Aeron's archive and cluster mark files still carry a recent activity
 * timestamp, and Aeron refuses to start for about ten seconds ("active mark file detected")
 * because another live process might own them. Holding this lock proves no live process does
 * (the OS drops the lock when its holder dies), so the stale mark files are deleted and the
 * node restarts at once. Mark files hold only configuration and an error log; the Raft state is
 * in the archive catalog, the recording log and the node state file, which are kept.
 */
final class DataDirLock implements AutoCloseable
{
    private static final String FILE_NAME = "controller.lock";
    private static final List<String> MARK_FILES = List.of(
        "archive/archive-mark.dat", "cluster/cluster-mark.dat", "cluster/cluster-mark-service-0.dat");

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(final FileChannel channel, final FileLock lock)
    {
        this.channel = channel;
        this.lock = lock;
    }

    static DataDirLock acquire(final File dataDir)
    {
        try
        {
            Files.createDirectories(dataDir.toPath());
            final FileChannel channel = FileChannel.open(dataDir.toPath().resolve(FILE_NAME), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
            FileLock lock;
            try
            {
                lock = channel.tryLock();
            }
            catch (final OverlappingFileLockException e)
            {
                lock = null; // held by another node in this JVM
            }
            if (lock == null)
            {
                channel.close();
                throw new IllegalStateException("another controller process uses " + dataDir + " (" + FILE_NAME + " is locked)");
            }
            for (final String markFile : MARK_FILES)
            {
                Files.deleteIfExists(Path.of(dataDir.getPath(), markFile));
            }
            return new DataDirLock(channel, lock);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot lock controller directory " + dataDir, e);
        }
    }

    @Override
    public void close()
    {
        try
        {
            lock.release();
            channel.close();
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }
}
