package io.osprey.network;

import java.nio.ByteBuffer;

/**
 * Receives each complete request frame (without its size prefix) and answers through the
 * connection. Called on the connection's event-loop thread, in arrival order.
 */
public interface RequestDispatcher
{
    void onRequest(Connection connection, ByteBuffer frame);
}
