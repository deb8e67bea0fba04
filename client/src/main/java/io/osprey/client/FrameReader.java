package io.osprey.client;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * Reads size-prefixed frames from a non-blocking channel: {@code size int32} then {@code size}
 * bytes, Kafka's framing for every response. A frame is returned only when complete; a partial
 * one is kept across calls. Each frame gets its own heap buffer, which the response handler
 * owns afterwards (the Fetch decoder slices record batches out of it without copying).
 * <p>
 * Not thread-safe: owned by one connection on the I/O thread.
 */
final class FrameReader
{
    private final int maxBytes;
    private final ByteBuffer sizeBuffer = ByteBuffer.allocate(4);
    private ByteBuffer payload;

    FrameReader(final int maxBytes)
    {
        this.maxBytes = maxBytes;
    }

    /**
     * Reads what the channel has towards the next frame.
     *
     * @return the frame (position 0, limit its size), or {@code null} when more bytes are needed
     * @throws EOFException when the peer closed the connection
     * @throws IOException  on a read error or a size prefix outside {@code 0..maxBytes}
     */
    ByteBuffer read(final ReadableByteChannel channel) throws IOException
    {
        if (payload == null)
        {
            readInto(channel, sizeBuffer);
            if (sizeBuffer.hasRemaining())
            {
                return null;
            }
            final int size = sizeBuffer.getInt(0);
            if (size < 0 || size > maxBytes)
            {
                throw new IOException("Response size prefix " + size + " is outside 0.." + maxBytes
                    + " bytes: the peer does not speak the Kafka protocol in PLAINTEXT, or the stream is corrupt");
            }
            payload = ByteBuffer.allocate(size);
        }
        if (payload.hasRemaining())
        {
            readInto(channel, payload);
            if (payload.hasRemaining())
            {
                return null;
            }
        }
        final ByteBuffer frame = payload.flip();
        payload = null;
        sizeBuffer.clear();
        return frame;
    }

    /** Drops a partial frame (the connection closed). */
    void reset()
    {
        payload = null;
        sizeBuffer.clear();
    }

    private static void readInto(final ReadableByteChannel channel, final ByteBuffer buffer) throws IOException
    {
        if (channel.read(buffer) < 0)
        {
            throw new EOFException("Connection closed by the broker");
        }
    }
}
