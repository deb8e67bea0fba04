package io.osprey.log;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A run of whole batches (the last one possibly cut by the byte limit, as Kafka fetches allow)
 * inside one segment file: what a read returns instead of a copy. The network layer sends it
 * with {@code FileChannel.transferTo} (sendfile); tests and in-process readers may view it as a
 * read-only buffer of the segment's mapping.
 *
 * @param channel     the segment's .log file
 * @param position    byte position of the first batch in that file
 * @param length      bytes to send
 * @param firstOffset base offset of the first batch in the slice, or the requested offset when empty
 * @param mapping     the segment's mapping, for {@link #asByteBuffer()}
 */
public record LogSlice(FileChannel channel, int position, int length, long firstOffset, ByteBuffer mapping)
{
    public static LogSlice empty(final long offset)
    {
        return new LogSlice(null, 0, 0, offset, null);
    }

    public boolean isEmpty()
    {
        return length == 0;
    }

    /** A read-only view of the slice's bytes; allocates the view, copies nothing. */
    public ByteBuffer asByteBuffer()
    {
        if (length == 0)
        {
            return ByteBuffer.allocate(0);
        }
        return mapping.slice(position, length).asReadOnlyBuffer();
    }
}
