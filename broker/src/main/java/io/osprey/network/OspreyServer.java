package io.osprey.network;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ResourceLeakDetector;

/**
 * The TCP listener: epoll when the native transport loads, NIO otherwise. Frames are
 * {@code int32 size} + payload; the size is checked against {@code socket.request.max.bytes}
 * before any of the body is buffered, and a bad size closes the connection (framing is lost).
 * Each complete frame is copied once into a heap buffer and handed to the dispatcher.
 */
public final class OspreyServer implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(OspreyServer.class);

    static
    {
        // Netty's default leak detection records a stack trace (a Throwable) for one buffer in 128: a measurable share of
        // the network threads' CPU at a steady produce rate. Off unless asked for with -Dio.netty.leakDetection.level.
        if (System.getProperty("io.netty.leakDetection.level") == null && System.getProperty("io.netty.leakDetectionLevel") == null)
        {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
    }

    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final Channel serverChannel;
    private final String transport;

    /**
     * The listener's socket and connection settings, each from the broker key of Kafka's name.
     *
     * @param networkThreads          event loops serving connections ({@code num.network.threads})
     * @param maxRequestBytes         largest request accepted ({@code socket.request.max.bytes})
     * @param maxPendingPerConnection unanswered requests after which a connection is no longer read
     *                                ({@code queued.max.requests})
     * @param sendBufferBytes         SO_SNDBUF, or the OS default when not positive ({@code socket.send.buffer.bytes})
     * @param receiveBufferBytes      SO_RCVBUF, or the OS default when not positive ({@code socket.receive.buffer.bytes})
     * @param listenBacklog           connections the listening socket queues ({@code socket.listen.backlog.size})
     * @param maxIdleMs               a connection with no request and no response for this long, owed none, is closed
     *                                ({@code connections.max.idle.ms})
     */
    public record Settings(int networkThreads, int maxRequestBytes, int maxPendingPerConnection, int sendBufferBytes,
        int receiveBufferBytes, int listenBacklog, long maxIdleMs)
    {
    }

    public OspreyServer(final String host, final int port, final Settings settings, final RequestDispatcher dispatcher)
        throws InterruptedException
    {
        final boolean epoll = Epoll.isAvailable() && !Boolean.getBoolean("osprey.network.nio");
        transport = epoll ? "epoll" : "nio";
        bossGroup = new MultiThreadIoEventLoopGroup(1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        workerGroup = new MultiThreadIoEventLoopGroup(settings.networkThreads(),
            epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        // Netty's limit counts the 4-byte size field; Kafka rejects only sizes above the maximum.
        final int frameLimit = (int)Math.min(Integer.MAX_VALUE, (long)settings.maxRequestBytes() + 4);
        final Class<? extends ServerChannel> channelClass = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        final ServerBootstrap bootstrap = new ServerBootstrap()
            .group(bossGroup, workerGroup)
            .channel(channelClass)
            .option(ChannelOption.SO_BACKLOG, settings.listenBacklog())
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel ch)
                {
                    if (settings.sendBufferBytes() > 0)
                    {
                        ch.config().setSendBufferSize(settings.sendBufferBytes());
                    }
                    if (settings.receiveBufferBytes() > 0)
                    {
                        ch.config().setReceiveBufferSize(settings.receiveBufferBytes());
                    }
                    // Reads are watched here; responses through Connection's last-write time (a listener on every write
                    // would cost an allocation per response).
                    ch.pipeline()
                        .addLast("idle", new IdleStateHandler(settings.maxIdleMs(), 0, 0, TimeUnit.MILLISECONDS))
                        .addLast("frame", new LengthFieldBasedFrameDecoder(frameLimit, 0, 4, 0, 4, true))
                        .addLast("requests", new RequestHandler(dispatcher, settings.maxPendingPerConnection(),
                            TimeUnit.MILLISECONDS.toNanos(settings.maxIdleMs())));
                }
            });
        serverChannel = bootstrap.bind(host, port).sync().channel();
        LOG.info("Listening on {} ({} transport, {} network threads, max request {} bytes)",
            serverChannel.localAddress(), transport, settings.networkThreads(), settings.maxRequestBytes());
    }

    public int port()
    {
        return ((InetSocketAddress)serverChannel.localAddress()).getPort();
    }

    /** Whether the listening socket is open (false once {@link #close()} began). */
    public boolean isBound()
    {
        return serverChannel.isActive();
    }

    public String transport()
    {
        return transport;
    }

    @Override
    public void close()
    {
        serverChannel.close().syncUninterruptibly();
        bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Per connection: frames in, dispatcher calls out, errors logged and the connection closed. */
    private static final class RequestHandler extends ChannelInboundHandlerAdapter
    {
        /** Kafka's api key of Produce, the first field of every request header. */
        private static final short PRODUCE_API_KEY = 0;
        /**
         * Smaller produce frames are copied: held, a frame pins the whole receive buffer it was read
         * into (up to 64 KiB), and a backlog of tiny acks=0 produces would pin many times its bytes.
         */
        private static final int HOLD_MIN_BYTES = 4096;

        private final RequestDispatcher dispatcher;
        private final int maxPending;
        private final long maxIdleNs;
        private Connection connection;

        RequestHandler(final RequestDispatcher dispatcher, final int maxPending, final long maxIdleNs)
        {
            this.dispatcher = dispatcher;
            this.maxPending = maxPending;
            this.maxIdleNs = maxIdleNs;
        }

        @Override
        public void channelActive(final ChannelHandlerContext ctx) throws Exception
        {
            connection = new Connection(ctx.channel(), maxPending);
            super.channelActive(ctx);
        }

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg)
        {
            final ByteBuf frame = (ByteBuf)msg;
            if (frame.readableBytes() >= HOLD_MIN_BYTES && frame.getShort(frame.readerIndex()) == PRODUCE_API_KEY &&
                frame.nioBufferCount() == 1)
            {
                // A produce is mostly its batches (16 KiB each from Kafka's producer by default): they are
                // appended straight from the received bytes, which stay held until the last append.
                final ByteBuffer view;
                try
                {
                    view = frame.nioBuffer();
                }
                catch (final RuntimeException e)
                {
                    frame.release();
                    throw e;
                }
                dispatcher.onRequest(connection, view, frame::release);
                return;
            }
            // Everything else is small, and some of it is kept (a group member's metadata): a copy.
            final ByteBuffer copy;
            try
            {
                final byte[] bytes = new byte[frame.readableBytes()];
                frame.readBytes(bytes);
                copy = ByteBuffer.wrap(bytes);
            }
            finally
            {
                frame.release();
            }
            dispatcher.onRequest(connection, copy, null);
        }

        @Override
        public void userEventTriggered(final ChannelHandlerContext ctx, final Object event) throws Exception
        {
            if (event instanceof IdleStateEvent)
            {
                // Nothing read for the idle time. As in Kafka, a response written within it is activity too, and a
                // request still being answered (a long fetch wait, a join waiting for its rebalance) is not idleness;
                // the handler fires again after another idle period.
                if (connection != null && connection.pendingCount() == 0
                    && System.nanoTime() - connection.lastResponseNs() >= maxIdleNs)
                {
                    LOG.debug("Closing connection from {}: nothing received for connections.max.idle.ms",
                        ctx.channel().remoteAddress());
                    ctx.close();
                }
                return;
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            if (cause instanceof TooLongFrameException || cause instanceof CorruptedFrameException)
            {
                LOG.warn("Closing connection from {}: {}", ctx.channel().remoteAddress(), cause.getMessage());
            }
            else if (cause instanceof java.io.IOException)
            {
                LOG.debug("Connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
            }
            else
            {
                LOG.warn("Closing connection from {} after an error", ctx.channel().remoteAddress(), cause);
            }
            ctx.close();
        }
    }
}
