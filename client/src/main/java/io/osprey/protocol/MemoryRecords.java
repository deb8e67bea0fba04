package io.osprey.protocol;

import java.nio.ByteBuffer;

/**
 * Records held in a buffer, from its position to its limit. Decoding a request makes a slice
 * of the request's own buffer: the batch bytes are never copied before they reach the log.
 */
public record MemoryRecords(ByteBuffer buffer) implements Records
{
    public static final MemoryRecords EMPTY = new MemoryRecords(ByteBuffer.allocate(0));

    @Override
    public int sizeInBytes()
    {
        return buffer.remaining();
    }
}
