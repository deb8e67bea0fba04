package io.osprey.network;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultFileRegion;
import io.osprey.log.LogSlice;
import io.osprey.protocol.Records;

/**
 * Turns a response's parts (heap chunks and file slices, see
 * {@link io.osprey.protocol.ProtocolWriter#parts()}) into Netty messages: heap chunks are
 * wrapped without copying, and file slices become {@link DefaultFileRegion}s that the epoll
 * and NIO transports send with sendfile.
 */
final class ResponseParts
{
    private ResponseParts()
    {
    }

    static ByteBuf sizePrefix(final int size)
    {
        return Unpooled.buffer(4, 4).writeInt(size);
    }

    static Object toNetty(final Object part)
    {
        if (part instanceof java.nio.ByteBuffer b)
        {
            return Unpooled.wrappedBuffer(b);
        }
        if (part instanceof FileRecords f)
        {
            final LogSlice slice = f.slice();
            // DefaultFileRegion closes its FileChannel when released; the channel belongs to the
            // segment, so hold one extra reference that is never released: the region is then
            // garbage collected without ever closing the segment's file.
            return new DefaultFileRegion(slice.channel(), slice.position(), slice.length()).retain();
        }
        throw new IllegalArgumentException("Unknown response part " + part);
    }

    static int size(final List<Object> parts)
    {
        int size = 0;
        for (final Object p : parts)
        {
            size += p instanceof java.nio.ByteBuffer b ? b.remaining() : ((Records)p).sizeInBytes();
        }
        return size;
    }
}
