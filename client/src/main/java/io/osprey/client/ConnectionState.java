package io.osprey.client;

/**
 * The life of a client's connection to one node:
 * {@code DISCONNECTED -> CONNECTING -> CHECKING_API_VERSIONS -> READY}, and back to
 * DISCONNECTED from any state on an error, a timeout or idleness.
 */
public enum ConnectionState
{
    /** No socket. A connect may start once the reconnect backoff has passed. */
    DISCONNECTED,
    /** A non-blocking connect is under way, bounded by the connection setup timeout. */
    CONNECTING,
    /** Connected; the ApiVersions exchange that fixes each API's version is in flight. */
    CHECKING_API_VERSIONS,
    /** Versions known: requests are written as in-flight slots allow. */
    READY
}
