package io.osprey.log;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacts the logs whose {@code cleanup.policy} includes {@code compact}, in the background
 * (Kafka's {@code LogCleaner}).
 * <p>
 * {@code log.cleaner.threads} daemon threads at minimum priority each loop: pick the log with
 * the highest dirty ratio among those at or above their {@code min.cleanable.dirty.ratio} (or
 * past {@code max.compaction.lag.ms}) that no other thread is cleaning, run one {@link Cleaner}
 * pass over it, record the new clean/dirty boundary in {@code cleaner-offset-checkpoint}, and
 * sleep {@code log.cleaner.backoff.ms} when nothing is eligible or a pass made no progress. A
 * pass never blocks appends or reads: it takes a log's structure lock only to swap segments.
 * The dirty section, which both the ratio and a pass cover, stops before the active segment and
 * before the first segment holding an offset at or above the log's high watermark: records not
 * yet committed may still be truncated by a leader change, so they are never compacted.
 * <p>
 * {@link #abortAndWait} stops a pass on a log about to be deleted; {@link #cleanNow} runs passes
 * synchronously on the caller's thread, whatever the dirty ratio (tests and tools).
 * <p>
 * Thread-safety: all public methods may be called from any thread; which logs are being cleaned
 * is guarded by this object's monitor.
 */
public final class LogCleaner implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(LogCleaner.class);
    /** Passes {@link #cleanNow} runs on one log at most (each makes progress or it stops earlier). */
    private static final int PASSES_PER_LOG_MAX = 1000;
    /** How long {@link #close} waits for each thread to finish its batch. */
    private static final long JOIN_TIMEOUT_MS = 30_000;

    private final CleanerConfig config;
    private final Supplier<Collection<PartitionLog>> logs;
    private final Runnable onCleaned;
    private final Consumer<PartitionLog.SwapStep> onSwapStep;
    private final Throttler throttler;
    private final Object lock = new Object();
    private final Set<PartitionLog> inProgress = new HashSet<>();
    private final Set<PartitionLog> aborting = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    /**
     * @param logs      the logs to consider, read at every pick
     * @param onCleaned called after each completed pass (writes the cleaner checkpoint)
     */
    public LogCleaner(final CleanerConfig config, final Supplier<Collection<PartitionLog>> logs, final Runnable onCleaned)
    {
        this(config, logs, onCleaned, step -> { });
    }

    LogCleaner(final CleanerConfig config, final Supplier<Collection<PartitionLog>> logs, final Runnable onCleaned,
        final Consumer<PartitionLog.SwapStep> onSwapStep)
    {
        this.config = config;
        this.logs = logs;
        this.onCleaned = onCleaned;
        this.onSwapStep = onSwapStep;
        this.throttler = new Throttler(config.ioMaxBytesPerSecond());
    }

    /** Starts the threads, unless {@code log.cleaner.enable=false}. */
    public void startup()
    {
        synchronized (lock)
        {
            if (running || !config.enable())
            {
                return;
            }
            running = true;
            for (int i = 0; i < config.threads(); i++)
            {
                final Thread t = new Thread(this::run, "osprey-log-cleaner-" + i);
                t.setDaemon(true);
                t.setPriority(Thread.MIN_PRIORITY);
                threads.add(t);
                t.start();
            }
        }
        LOG.info("Log cleaner started with {} thread(s)", config.threads());
    }

    private void run()
    {
        try (Cleaner cleaner = new Cleaner(config, onSwapStep, throttler))
        {
            while (running)
            {
                final long nowMs = System.currentTimeMillis();
                final PartitionLog log = grabDirtiest(nowMs);
                if (log == null || !cleanOnce(cleaner, log, nowMs, true))
                {
                    synchronized (lock)
                    {
                        if (running)
                        {
                            lock.wait(Math.max(1, config.backoffMs()));
                        }
                    }
                }
            }
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** The eligible log with the highest dirty ratio, marked in progress; null when none. */
    private PartitionLog grabDirtiest(final long nowMs)
    {
        synchronized (lock)
        {
            PartitionLog best = null;
            double bestScore = -1;
            for (final PartitionLog log : logs.get())
            {
                if (!log.config().compacted() || inProgress.contains(log) || aborting.contains(log))
                {
                    continue;
                }
                try
                {
                    final Cleaner.Cleanable c = Cleaner.cleanable(log, nowMs);
                    final double score = c.lagExceeded() ? 2 : c.dirtyRatio();
                    if (c.eligible(log.config().compaction().minCleanableDirtyRatio()) && score > bestScore)
                    {
                        best = log;
                        bestScore = score;
                    }
                }
                catch (final RuntimeException e)
                {
                    LOG.debug("Skipping {} when picking a log to clean: {}", log, e.toString());
                }
            }
            if (best != null)
            {
                inProgress.add(best);
            }
            return best;
        }
    }

    /** One pass on a log this thread holds; releases it. True when the pass made progress. */
    private boolean cleanOnce(final Cleaner cleaner, final PartitionLog log, final long nowMs, final boolean background)
    {
        try
        {
            final Cleaner.Stats stats = cleaner.clean(log, nowMs, () -> (background && !running) || aborting.contains(log));
            if (stats == null)
            {
                return false;
            }
            LOG.info("Cleaned {} from offset {} to {}: {} segment(s) of {} bytes into {} of {} bytes, {} record(s) removed",
                log.dir().getFileName(), stats.firstDirty(), stats.cleanedUpTo(), stats.segmentsBefore(), stats.bytesBefore(),
                stats.segmentsAfter(), stats.bytesAfter(), stats.recordsRemoved());
            onCleaned.run();
            return true;
        }
        catch (final Cleaner.AbortedException e)
        {
            LOG.info("Cleaning of {} aborted", log.dir().getFileName());
            return false;
        }
        catch (final IOException | RuntimeException e)
        {
            LOG.warn("Cleaning of {} failed; retrying after the backoff", log.dir().getFileName(), e);
            return false;
        }
        finally
        {
            synchronized (lock)
            {
                inProgress.remove(log);
                lock.notifyAll();
            }
        }
    }

    /**
     * Cleans every compacted log with a dirty section now, on the caller's thread, whatever its
     * dirty ratio, waiting for a background pass on the same log to finish first. Each log gets
     * passes until one makes no progress.
     *
     * @return passes that made progress
     */
    public int cleanNow(final long nowMs) throws InterruptedException
    {
        int passes = 0;
        try (Cleaner cleaner = new Cleaner(config, onSwapStep, throttler))
        {
            for (final PartitionLog log : logs.get())
            {
                if (!log.config().compacted())
                {
                    continue;
                }
                for (int i = 0; i < PASSES_PER_LOG_MAX; i++)
                {
                    synchronized (lock)
                    {
                        while (inProgress.contains(log))
                        {
                            lock.wait();
                        }
                        if (aborting.contains(log))
                        {
                            break;
                        }
                        inProgress.add(log);
                    }
                    if (!cleanOnce(cleaner, log, nowMs, false))
                    {
                        break;
                    }
                    passes++;
                }
            }
        }
        return passes;
    }

    /**
     * Stops any pass on {@code log}, waits until it has stopped and keeps the cleaner off the log
     * until {@link #forget}: the log is about to be deleted. A no-op wait when already aborted.
     */
    public void abortAndWait(final PartitionLog log) throws InterruptedException
    {
        synchronized (lock)
        {
            aborting.add(log);
            while (inProgress.contains(log))
            {
                lock.wait();
            }
        }
    }

    /** Drops what {@link #abortAndWait} kept about {@code log}, once it is deleted and no longer among the logs. */
    public void forget(final PartitionLog log)
    {
        aborting.remove(log);
    }

    /** Stops the threads; a pass in progress stops at its next batch. */
    @Override
    public void close()
    {
        final List<Thread> started;
        synchronized (lock)
        {
            running = false;
            lock.notifyAll();
            started = new ArrayList<>(threads);
        }
        for (final Thread t : started)
        {
            try
            {
                t.join(JOIN_TIMEOUT_MS);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
