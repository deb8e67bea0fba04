package io.osprey.producer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP proxy for fault injection: forwards bytes both ways unchanged, and on demand
 * closes every connection it carries ({@link #killAll}, mid-request or mid-response, wherever
 * the bytes are) or stops forwarding without closing anything ({@link #pause}), which looks to
 * the client like a broker that stopped answering. Give the broker
 * {@code advertised.listeners=PLAINTEXT://127.0.0.1:<proxy port>} so that every connection a
 * client makes after bootstrap also goes through it.
 * <p>
 * Thread per direction per connection; test-sized, not fast.
 */
final class TcpProxy implements AutoCloseable
{
    private final ServerSocket server;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    final AtomicInteger accepted = new AtomicInteger();
    final AtomicInteger killed = new AtomicInteger();
    private volatile boolean paused;
    private volatile int targetPort;

    TcpProxy() throws IOException
    {
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    }

    int port()
    {
        return server.getLocalPort();
    }

    String bootstrap()
    {
        return "127.0.0.1:" + port();
    }

    void start(final int brokerPort)
    {
        this.targetPort = brokerPort;
        daemon("proxy-accept-" + port(), this::acceptLoop);
    }

    /** Stops forwarding in both directions; connections stay open and bytes wait in the proxy. */
    void pause()
    {
        paused = true;
    }

    void resume()
    {
        paused = false;
    }

    /** Closes every connection now; returns how many there were. */
    int killAll()
    {
        int n = 0;
        for (final Link link : links)
        {
            link.close();
            links.remove(link);
            n++;
        }
        killed.addAndGet(n);
        return n;
    }

    private void acceptLoop()
    {
        while (!server.isClosed())
        {
            try
            {
                final Socket client = server.accept();
                final Socket upstream = new Socket();
                upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                accepted.incrementAndGet();
                final Link link = new Link(client, upstream);
                links.add(link);
                daemon("proxy-up-" + client.getPort(), () -> link.pump(client, upstream));
                daemon("proxy-down-" + client.getPort(), () -> link.pump(upstream, client));
            }
            catch (final IOException e)
            {
                if (!server.isClosed())
                {
                    System.err.println("proxy: accept failed: " + e);
                }
            }
        }
    }

    private static void daemon(final String name, final Runnable body)
    {
        final Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException
    {
        server.close();
        paused = false;
        killAll();
    }

    /** One proxied connection. */
    private final class Link
    {
        private final Socket client;
        private final Socket upstream;

        Link(final Socket client, final Socket upstream)
        {
            this.client = client;
            this.upstream = upstream;
        }

        void pump(final Socket from, final Socket to)
        {
            final byte[] buffer = new byte[64 * 1024];
            try
            {
                final InputStream in = from.getInputStream();
                final OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0)
                {
                    while (paused && !from.isClosed())
                    {
                        Thread.sleep(5);
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            }
            catch (final IOException | InterruptedException e)
            {
                // The other side or killAll closed the connection.
            }
            close();
            links.remove(this);
        }

        void close()
        {
            closeQuietly(client);
            closeQuietly(upstream);
        }

        private void closeQuietly(final Socket socket)
        {
            try
            {
                socket.close();
            }
            catch (final IOException ignored)
            {
                // closing anyway
            }
        }
    }
}
