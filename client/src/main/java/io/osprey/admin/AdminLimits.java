package io.osprey.admin;

/** Every bound of the admin client, each with why it is that number. */
final class AdminLimits
{
    /**
     * Calls accepted and not yet finished, queued or in flight. An admin client is driven by
     * tools and operators: thousands of outstanding calls means a caller in a loop that never
     * waits, and failing its newest calls at once beats holding unbounded futures and requests.
     * Matches {@link io.osprey.client.ClientLimits#QUEUED_REQUESTS_PER_NODE_MAX}, the queue the
     * calls end up in.
     */
    static final int PENDING_CALLS_MAX = 4096;

    /**
     * Requests written to one broker and not yet answered. Kafka's admin client allows one; a
     * few let a burst of independent calls (describeConfigs per resource group, a tool's many
     * describes) share one write and round trip. The broker answers in order, so nothing is
     * lost by pipelining but a slow call's latency, which one-at-a-time would add anyway.
     */
    static final int IN_FLIGHT_REQUESTS_PER_CONNECTION = 5;

    private AdminLimits()
    {
    }
}
