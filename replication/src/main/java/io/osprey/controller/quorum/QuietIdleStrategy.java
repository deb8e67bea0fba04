package io.osprey.controller.quorum;

import org.agrona.concurrent.IdleStrategy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * How the agent threads of a quorum of one voter idle (the quorum thread, which runs the media
 * driver, archive and consensus module; the clustered service; the node's own controller client):
 * park from 1 ms, doubling up to a long
 * maximum, and start again at 1 ms whenever anything in this process hands the quorum work
 * ({@link #wakeAll}: a command submitted by the controller client, a command or timer applied by
 * the service), which also unparks every such thread at once.
 * <p>
 * Why: Aeron's agents poll. At a fixed 10 ms sleep the six controller threads a node had before the
 * quorum thread woke about 700 times a second between them, at 20-50 µs each, for a quorum that handles a few commands a
 * second. With one voter every command starts in this process (the broker's heartbeats and
 * requests) or reaches it through this process's media driver, so between commands the threads
 * can sleep long, and a command's hops (client, driver, consensus module, archive, service,
 * driver, client) still run at the bottom of the ladder because the submit wakes them all.
 * A lease timer's expiry is applied up to about two maximum parks late (the quorum thread, where
 * the consensus module fires it and the archive records it, then the service), which matters
 * only for brokers of other nodes.
 * <p>
 * The long maximum applies only while a quiet controller client runs in this process
 * ({@link #clientStarted}: the broker of a combined node). A controller-only process serves
 * brokers of other nodes only, whose commands no local call can announce: there the ladder stops
 * at the fallback maximum ({@code controller.quorum.idle.park.max.ms}). With the long maximum, a
 * command from another node's broker waited for up to four hops (driver, consensus module,
 * archive, service) at the top of the ladder when each had a thread: about 220-370 ms measured
 * with 100 ms, against 25-80 ms at the fixed 10 ms sleep; now two (quorum thread, service).
 * <p>
 * An agent's own work does not restart its ladder: Aeron's agents count periodic work (timer
 * checks, heartbeats and status messages of idle streams) as work, and the driver's and consensus
 * module's threads would keep themselves at about 100 wakeups a second. After work the strategy
 * does not park at all (the agent runs again at once), as Aeron's own strategies; {@link #reset()}
 * (used by blocking loops that made progress) restarts the ladder. Start-up and shutdown, when
 * Aeron's components wait on each other's answers many times in a row, keep every thread at the
 * bottom of the ladder for a while ({@link #busyFor}).
 * <p>
 * Thread-safety: one instance per agent thread; {@link #wakeAll} from any thread.
 */
public final class QuietIdleStrategy implements IdleStrategy
{
    static final long MIN_PARK_NS = TimeUnit.MILLISECONDS.toNanos(1);

    private static final AtomicLong EPOCH = new AtomicLong();
    private static final AtomicInteger QUIET_CLIENTS = new AtomicInteger();
    /** Until then every quiet thread parks at most its minimum (start-up and shutdown; see {@link #busyFor}). */
    private static volatile long busyUntilNs = System.nanoTime();
    private static final Set<Thread> THREADS = ConcurrentHashMap.newKeySet();

    private final long minParkNs;
    private final long maxParkNs;
    private final long fallbackMaxParkNs;
    private long parkNs;
    private long seenEpoch = -1;
    private Thread thread;

    /**
     * @param maxParkNs         the top of the ladder while a quiet controller client runs in this process.
     * @param fallbackMaxParkNs the top of the ladder otherwise.
     */
    public QuietIdleStrategy(final long maxParkNs, final long fallbackMaxParkNs)
    {
        this(MIN_PARK_NS, maxParkNs, fallbackMaxParkNs);
    }

    /** A ladder from {@code minParkNs}; tests use a long minimum to see a park end by {@link #wakeAll}. */
    QuietIdleStrategy(final long minParkNs, final long maxParkNs, final long fallbackMaxParkNs)
    {
        if (minParkNs <= 0 || maxParkNs < minParkNs || fallbackMaxParkNs < minParkNs)
        {
            throw new IllegalArgumentException("need 0 < minParkNs (" + minParkNs + ") <= maxParkNs (" + maxParkNs +
                ") and fallbackMaxParkNs (" + fallbackMaxParkNs + ")");
        }
        this.minParkNs = minParkNs;
        this.maxParkNs = maxParkNs;
        this.fallbackMaxParkNs = fallbackMaxParkNs;
        this.parkNs = minParkNs;
    }

    /** A quiet controller client started in this process: its commands wake the quiet threads, which may park long. */
    public static void clientStarted()
    {
        QUIET_CLIENTS.incrementAndGet();
    }

    /** A quiet controller client of this process closed. */
    public static void clientClosed()
    {
        QUIET_CLIENTS.decrementAndGet();
        wakeAll();
    }

    /** Restarts every quiet thread's ladder at 1 ms and unparks it; threads that ended are forgotten. */
    public static void wakeAll()
    {
        EPOCH.incrementAndGet();
        for (final Thread t : THREADS)
        {
            if (t.isAlive())
            {
                LockSupport.unpark(t);
            }
            else
            {
                THREADS.remove(t);
            }
        }
    }

    /**
     * Keeps every quiet thread at its minimum park for {@code durationMs} (or longer, if an earlier
     * call asked for more), after a {@link #wakeAll}. For start-up and shutdown, when Aeron's
     * components make many blocking requests of each other (an election, closing publications):
     * each answer would otherwise wait for a thread further up its ladder.
     */
    public static synchronized void busyFor(final long durationMs)
    {
        final long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(durationMs);
        if (until - busyUntilNs > 0)
        {
            busyUntilNs = until;
        }
        wakeAll();
    }

    @Override
    public void idle(final int workCount)
    {
        if (workCount <= 0)
        {
            idle();
        }
    }

    @Override
    public void idle()
    {
        if (thread != Thread.currentThread())
        {
            thread = Thread.currentThread();
            THREADS.add(thread);
        }
        // Read before parking: a wakeAll after this read also leaves an unpark, so the park returns at once.
        final long epoch = EPOCH.get();
        if (epoch != seenEpoch)
        {
            seenEpoch = epoch;
            parkNs = minParkNs;
        }
        if (System.nanoTime() - busyUntilNs < 0)
        {
            LockSupport.parkNanos(minParkNs);
            return;
        }
        final long top = top();
        final long park = Math.min(parkNs, top);
        LockSupport.parkNanos(park);
        parkNs = Math.min(park << 1, top);
    }

    @Override
    public void reset()
    {
        parkNs = minParkNs;
    }

    /** Forgets busy windows and quiet clients left by other tests in this JVM; for tests. */
    static void resetForTests()
    {
        busyUntilNs = System.nanoTime();
        QUIET_CLIENTS.set(0);
    }

    /** The park the next idle call would take without a wake; for tests. */
    long nextParkNs()
    {
        return EPOCH.get() != seenEpoch ? minParkNs : Math.min(parkNs, top());
    }

    /** The top of the ladder now: long only while a quiet controller client runs in this process. */
    private long top()
    {
        return QUIET_CLIENTS.get() > 0 ? maxParkNs : fallbackMaxParkNs;
    }

    @Override
    public String alias()
    {
        return "quiet";
    }
}
