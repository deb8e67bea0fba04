package io.osprey.log;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.locks.LockSupport;

/**
 * Touches the pages of active segments a little ahead of their writers, on its own thread, so
 * that the page faults of a freshly preallocated (sparse) mapping are taken here and not on a
 * log agent's append path (a segment is handed over at its writer's first append). On the
 * machines measured a write fault on a new page cost about 2.4 µs, four of them per 16 KiB
 * batch: more than the copy itself.
 * <p>
 * A page is touched with an atomic compare-and-set of an int from 0 to 0: it takes the write
 * fault but can never change a byte, because it writes only where it read 0, atomically, so a
 * concurrent append is never overwritten. Segments are touched only under their pretouch lock,
 * which {@link Segment} also holds while it seals, trims or unmaps, so a page beyond the file
 * or an unmapped region is never touched.
 * <p>
 * It also reserves the disk blocks of that window ahead (see {@link Preallocation}), a chunk at a
 * time, and touches only reserved pages: a page of a sparse file first written through a mapping
 * on a full disk would raise SIGBUS. When a reservation fails it leaves the segment alone until
 * the writer's own reservation succeeds, and the writer reports the full disk.
 * <p>
 * The window ahead is {@code -Dosprey.log.pretouch.bytes} (default 8 MiB; 0 disables). One
 * daemon thread serves every segment of the process. When a pass has nothing more to do it parks
 * for up to {@value #IDLE_PARK_MAX_NS} ns: each segment's writer wakes it when the segment's size
 * reaches the mark the last pass set there ({@link Segment#armPretouchWake}), and the periodic pass
 * does the work that is due by time (idle segments, pages readers mapped back in). Each pass
 * visits every active segment, so it runs when there is work, not on a clock: polling every
 * 20 ms cost about 90 µs a pass with a few dozen segments, 5 ms of CPU a second with nothing to do.
 * A segment is topped up to a whole window once its writer is within half a window, so its
 * lead stays between half and all of it (a segment's window starts at
 * {@value Segment#PRETOUCH_START_BYTES} bytes and doubles at each top-up that comes within a
 * second of the previous one, up to this one, so a partition written slowly is not given the
 * whole window), and a writer outruns the pages only above about
 * 200 MB/s (4 MiB in the longest park); it then takes those faults itself.
 * <p>
 * The same thread releases pages behind the writers ({@link ResidentPages}): a page written
 * through a mapping stays in the broker's resident set until unmapped, so without this the RSS
 * grows by every byte appended to an active segment. It drops the pages of an active segment
 * behind its last {@value Segment#RELEASE_KEEP_BYTES} bytes every
 * {@value Segment#RELEASE_STEP_BYTES} bytes written, or after {@value #RELEASE_INTERVAL_NS} ns
 * when readers mapped some back in; an active segment with no append for
 * {@value Segment#IDLE_NS} ns loses all its pages, the pretouched ones too, and is pretouched again
 * once it grows; a segment that is sealed, or read after sealing, is handed
 * over with {@link #releaseLater} and released in the next pass that is at least that long after
 * the last.
 */
final class Pretoucher
{
    static final int PAGE_SIZE = 4096;
    static final int WINDOW_BYTES = Integer.getInteger("osprey.log.pretouch.bytes", 8 << 20);
    static final long RELEASE_INTERVAL_NS = 1_000_000_000L;
    private static final long IDLE_PARK_MAX_NS = RELEASE_INTERVAL_NS;
    private static final long DUE_PARK_NS = 1_000_000;

    private static final CopyOnWriteArraySet<Segment> SEGMENTS = new CopyOnWriteArraySet<>();
    private static final Set<Segment> RELEASE_LATER = ConcurrentHashMap.newKeySet();
    private static volatile Thread thread;

    private Pretoucher()
    {
    }

    static void register(final Segment segment)
    {
        if (WINDOW_BYTES <= 0 && !ResidentPages.ENABLED)
        {
            return;
        }
        SEGMENTS.add(segment);
        startOnce();
        // A new segment (a roll) is touched at once, not after the idle park.
        LockSupport.unpark(thread);
    }

    static void unregister(final Segment segment)
    {
        SEGMENTS.remove(segment);
        RELEASE_LATER.remove(segment);
    }

    /** The resident pages of a sealed segment are released in the next release pass. */
    static void releaseLater(final Segment segment)
    {
        if (ResidentPages.ENABLED)
        {
            RELEASE_LATER.add(segment);
            startOnce();
        }
    }

    /** A writer's segment reached its wake mark: the pretoucher passes again now. */
    static void wake()
    {
        final Thread t = thread;
        if (t != null)
        {
            LockSupport.unpark(t);
        }
    }

    private static synchronized void startOnce()
    {
        if (thread == null)
        {
            thread = new Thread(Pretoucher::run, "osprey-pretoucher");
            thread.setDaemon(true);
            thread.setPriority(Thread.MIN_PRIORITY);
            thread.start();
        }
    }

    private static void run()
    {
        long lastReleasePassNs = System.nanoTime();
        while (true)
        {
            int touched = 0;
            boolean due = false;
            final long nowNs = System.nanoTime();
            for (final Segment s : SEGMENTS)
            {
                // Release first: a segment that grew again is no longer idle, and is pretouched in this pass.
                s.releaseResident(nowNs, RELEASE_INTERVAL_NS);
                if (WINDOW_BYTES > 0)
                {
                    touched += s.pretouch(WINDOW_BYTES, nowNs);
                }
                due |= s.armPretouchWake(WINDOW_BYTES);
            }
            if (nowNs - lastReleasePassNs >= RELEASE_INTERVAL_NS)
            {
                lastReleasePassNs = nowNs;
                for (final Segment s : RELEASE_LATER)
                {
                    RELEASE_LATER.remove(s);
                    s.releaseAll();
                }
            }
            if (touched == 0)
            {
                // A mark reached during the pass: pass again soon, but never spin on a segment that cannot progress.
                LockSupport.parkNanos(due ? DUE_PARK_NS : IDLE_PARK_MAX_NS);
            }
        }
    }
}
