package io.osprey.network;

import java.nio.ByteBuffer;

/**
 * Receives each complete request frame (without its size prefix) and answers through the
 * connection. Called on the connection's event-loop thread, in arrival order.
 */
public interface RequestDispatcher
{
    /**
     * @param frame   the request's bytes, from position 0
     * @param release null when {@code frame} is the dispatcher's to keep (a copy); otherwise
     *                {@code frame} is a view of the network layer's pooled memory, valid until the
     *                dispatcher runs {@code release}, exactly once, on any thread, after the last
     *                read of the frame (or of any slice of it)
     */
    void onRequest(Connection connection, ByteBuffer frame, Runnable release);
}
