package io.osprey.consumer;

/** Every bound of the consumer that is not a configuration key, each with why it is that number. */
final class ConsumerLimits
{
    /**
     * Completed fetches (and position or error events) the network thread may hand to the
     * application before it has to hold them back. The byte thresholds ({@code fetch.max.bytes},
     * {@code max.partition.fetch.bytes}) are what really bound memory; this only has to be larger
     * than the events a normal assignment produces between two polls (one per partition per
     * response), and a power of two for the ring. Beyond it the network thread keeps events in
     * its own overflow list and stops fetching until the application drains the queue.
     */
    static final int COMPLETED_FETCH_QUEUE_CAPACITY = 1024;

    /**
     * Requests in flight per broker connection. The consumer has at most one Fetch per node, a
     * ListOffsets or two for position resets and offset lookups, and a Metadata request: five
     * (Kafka's default for every client) leaves room without letting lookups pile up.
     */
    static final int MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION = 5;

    /**
     * Longest the network thread blocks in one poll. Every event that gives it work (a response,
     * a command, a seek, a released buffer, a metadata request) wakes it at once; this is only a
     * safety net so that a missed wakeup costs at most this much, never a hang.
     */
    static final long NETWORK_POLL_MAX_MS = 1000;

    /** Kafka's default for {@code close()} without a timeout. */
    static final long CLOSE_TIMEOUT_MS_DEFAULT = 30_000;

    /**
     * How long the network thread waits before it checks again whether the metadata for a join
     * has arrived. A metadata response wakes it anyway; this only bounds a missed wakeup.
     */
    static final long GROUP_METADATA_WAIT_MS = 100;

    /**
     * A JoinGroup may be held by the coordinator for the whole rebalance timeout
     * ({@code max.poll.interval.ms}); its request timeout is that plus this margin, as Kafka's.
     */
    static final long JOIN_GROUP_TIMEOUT_EXTRA_MS = 5000;

    /**
     * Asynchronous commits whose callbacks have not run yet. Each holds its offsets map until
     * the next poll; past this many the newest fails at once rather than growing without bound
     * (an application committing asynchronously in a loop without polling).
     */
    static final int ASYNC_COMMITS_MAX = 1024;

    /** How often close() checks for answers to asynchronous commits it waits for (bounded by the close timeout). */
    static final long CLOSE_POLL_MS = 10;

    private ConsumerLimits()
    {
    }
}
