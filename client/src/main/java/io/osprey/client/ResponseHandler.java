package io.osprey.client;

import io.osprey.common.OspreyException;
import io.osprey.protocol.ProtocolReader;

/**
 * Receives the outcome of one request sent with {@link NetworkClient}. Exactly one of the two
 * methods is called, once, on the client's I/O thread during {@link NetworkClient#poll} (never
 * from inside {@code send}), so a handler may send further requests. A handler must not block:
 * it delays every other connection of the client. An exception it throws is logged and dropped.
 */
public interface ResponseHandler
{
    /**
     * The response arrived.
     *
     * @param version the version the request was sent with, which the body follows
     * @param body    a reader positioned at the response body (after the header), set to the
     *                version's flexibility; decode with the response class's
     *                {@code read(body, version)}. The reader and its buffer belong to the handler.
     *                {@code null} for {@link NetworkClient#sendNoResponse}, called once the
     *                request was written to the socket.
     */
    void onResponse(short version, ProtocolReader body);

    /**
     * The request failed without a response: {@link io.osprey.common.errors.DisconnectException}
     * (connection lost or never made; retriable), {@link io.osprey.common.errors.RequestTimeoutException}
     * (no response within the timeout; retriable) or
     * {@link io.osprey.common.errors.UnsupportedVersionException} (no common version; not retriable).
     */
    void onFailure(OspreyException failure);

    /** The success half of a handler built from two lambdas. */
    @FunctionalInterface
    interface OnResponse
    {
        void onResponse(short version, ProtocolReader body);
    }

    /** The failure half of a handler built from two lambdas. */
    @FunctionalInterface
    interface OnFailure
    {
        void onFailure(OspreyException failure);
    }

    /** A handler from two lambdas. */
    static ResponseHandler of(final OnResponse onResponse, final OnFailure onFailure)
    {
        return new ResponseHandler()
        {
            @Override
            public void onResponse(final short version, final ProtocolReader body)
            {
                onResponse.onResponse(version, body);
            }

            @Override
            public void onFailure(final OspreyException failure)
            {
                onFailure.onFailure(failure);
            }
        };
    }
}
