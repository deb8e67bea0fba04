package io.osprey.network;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.List;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;

/**
 * One client connection. Requests may complete out of order (a delayed fetch, then a quick
 * metadata request), but Kafka clients match responses to requests by arrival order on a
 * connection, so responses leave in request order: each request takes a {@link Slot} when it
 * arrives, and completed slots are written from the head of the queue only.
 * <p>
 * Thread-safety: {@link #newSlot(int)} runs on the event loop; {@link Slot#complete} may be
 * called from any thread and hops to the event loop.
 */
public final class Connection
{
    private final Channel channel;
    private final EventLoop eventLoop;
    private final ArrayDeque<Slot> pending = new ArrayDeque<>();
    private final String remote;
    private final int maxPending;
    /** When the last response was written (System.nanoTime); event loop only. */
    private long lastResponseNs = System.nanoTime();

    Connection(final Channel channel, final int maxPending)
    {
        this.maxPending = maxPending;
        this.channel = channel;
        this.eventLoop = channel.eventLoop();
        final Object address = channel.remoteAddress();
        this.remote = address instanceof InetSocketAddress a ? a.getHostString() + ":" + a.getPort() : String.valueOf(address);
    }

    public String remoteAddress()
    {
        return remote;
    }

    public boolean isOpen()
    {
        return channel.isActive();
    }

    /** Reserves the next response position. Requests that get no response (acks=0) take no slot. */
    public Slot newSlot(final int correlationId)
    {
        final Slot slot = new Slot(correlationId);
        pending.addLast(slot);
        if (pending.size() >= maxPending && channel.config().isAutoRead())
        {
            // Back-pressure: a client that pipelines faster than we answer stops being read.
            channel.config().setAutoRead(false);
        }
        return slot;
    }

    /** Closes the connection: framing is lost or the peer misbehaved. */
    public void close()
    {
        channel.close();
    }

    int pendingCount()
    {
        return pending.size();
    }

    /** When the last response was written (System.nanoTime), or the connection opened; event loop only. */
    long lastResponseNs()
    {
        return lastResponseNs;
    }

    private void drain()
    {
        boolean wrote = false;
        while (!pending.isEmpty() && pending.peekFirst().parts != null)
        {
            final Slot slot = pending.pollFirst();
            channel.write(ResponseParts.sizePrefix(slot.size));
            for (final Object part : slot.parts)
            {
                channel.write(ResponseParts.toNetty(part));
            }
            wrote = true;
        }
        if (wrote)
        {
            lastResponseNs = System.nanoTime();
            channel.flush();
            if (!channel.config().isAutoRead() && pending.size() < maxPending / 2 + 1)
            {
                channel.config().setAutoRead(true);
            }
        }
    }

    /** A place in this connection's response order. */
    public final class Slot
    {
        private final int correlationId;
        private List<Object> parts;
        private int size;

        private Slot(final int correlationId)
        {
            this.correlationId = correlationId;
        }

        public int correlationId()
        {
            return correlationId;
        }

        /**
         * Supplies this slot's response: the header and body as parts (without the size prefix).
         * Any thread; the write happens on the connection's event loop once every earlier slot
         * has been answered.
         */
        public void complete(final List<Object> responseParts)
        {
            final int total = ResponseParts.size(responseParts);
            if (eventLoop.inEventLoop())
            {
                onComplete(responseParts, total);
            }
            else
            {
                eventLoop.execute(() -> onComplete(responseParts, total));
            }
        }

        private void onComplete(final List<Object> responseParts, final int total)
        {
            this.size = total;
            this.parts = responseParts;
            drain();
        }

        /** Answers nothing and closes the connection (a request that cannot be answered in its own layout). */
        public void closeConnection()
        {
            eventLoop.execute(() -> channel.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER)
                .addListener(ChannelFutureListener.CLOSE));
        }
    }
}
