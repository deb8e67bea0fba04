package io.osprey.client;

/** Every bound of the client networking layer, each with why it is that number. */
public final class ClientLimits
{
    /**
     * Largest response frame accepted: 256 MiB. A size prefix larger than this is taken to be a
     * stream that is not Kafka's (a TLS or HTTP server reads as 0x16030100 or "HTTP" = 1.2 GB),
     * not data: the consumer's fetch.max.bytes default is 50 MiB, and a client heap cannot hold
     * many frames of this size anyway. The connection is closed rather than allocating.
     */
    public static final int RESPONSE_BYTES_MAX = 256 * 1024 * 1024;

    /**
     * Requests waiting per node for a connection or an in-flight slot. Far above what a producer
     * (one request per node per in-flight slot) or consumer (one fetch per node) queues; reaching
     * it means a caller keeps sending to a node that is down, and failing fast beats unbounded memory.
     */
    public static final int QUEUED_REQUESTS_PER_NODE_MAX = 4096;

    /**
     * Buffers handed to one gathering write. Linux's IOV_MAX is 1024; 64 already batches every
     * in-flight request of a connection (max.in.flight 5, one or two buffers each) into one syscall.
     */
    public static final int GATHER_BUFFERS_MAX = 64;

    /**
     * Response frames read from one connection per poll before moving on, so one busy broker
     * cannot starve the others' reads and the handlers' dispatch. The rest waits in the socket.
     */
    public static final int FRAMES_PER_READ_MAX = 64;

    /** Commands other threads may queue for the I/O thread ({@link NetworkClient#execute}) before offers fail. */
    public static final int COMMANDS_MAX = 1024;

    /** Commands run per poll: bounded so a flood of them cannot delay I/O by more than a batch. */
    public static final int COMMANDS_PER_POLL_MAX = 256;

    /**
     * Client software name sent in ApiVersions v3+; brokers log it and Kafka validates it against
     * {@code [a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?}.
     */
    public static final String CLIENT_SOFTWARE_NAME = "osprey-java";

    private ClientLimits()
    {
    }
}
