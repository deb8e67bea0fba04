package io.osprey.controller.quorum;

/**
 * Aeron liveness timeouts long enough for a paused process (a long GC pause, SIGSTOP, a stalled
 * VM) to carry on once it resumes. Aeron's clients and media drivers declare each other dead
 * after 10 s without a heartbeat; a controller voter and its embedded driver are paused
 * together, and whichever runs first after the pause sees the other's stale heartbeat and
 * terminates: the voter (or the broker's controller client) is gone for good while the process
 * keeps running. With 60 s, pauses up to a minute are survived (the quorum elects around a
 * paused voter and the controller fences a paused broker meanwhile, as it must).
 * <p>
 * Set as system properties before any Aeron context class is loaded (Aeron reads some of them
 * into static constants), and only where the operator has not set them.
 */
final class AeronDefaults
{
    /** {@code aeron.driver.timeout}, in milliseconds: a client's limit on the driver's silence. */
    static final long DRIVER_TIMEOUT_MS = 60_000;

    static
    {
        setIfAbsent("aeron.driver.timeout", Long.toString(DRIVER_TIMEOUT_MS));
        // The driver's limit on a client's silence; the unblock timeout must stay above it (Aeron checks).
        setIfAbsent("aeron.client.liveness.timeout", DRIVER_TIMEOUT_MS + "ms");
        setIfAbsent("aeron.publication.unblock.timeout", (DRIVER_TIMEOUT_MS + 15_000) + "ms");
    }

    private AeronDefaults()
    {
    }

    /** Applies the defaults (once, by class initialization). */
    static void apply()
    {
        // The static initializer does the work.
    }

    private static void setIfAbsent(final String key, final String value)
    {
        if (System.getProperty(key) == null)
        {
            System.setProperty(key, value);
        }
    }
}
