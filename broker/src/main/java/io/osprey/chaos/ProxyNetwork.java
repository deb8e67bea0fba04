package io.osprey.chaos;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntToLongFunction;

import org.agrona.CloseHelper;

/**
 * Network faults without root: a TCP proxy in front of every node. Node {@code i} listens on its
 * own port and advertises the proxy's, so every connection to it (the other nodes' replica
 * fetchers, the workload's producers, consumers and admin client) goes through
 * {@code proxy i}. Each accepted connection is attributed to the process that opened it, by
 * finding its socket in {@code /proc/net/tcp[6]} and that socket's inode among the node JVMs'
 * open files ({@code /proc/<pid>/fd}); anything else is a client (id 0).
 * <p>
 * A cut stops forwarding in the cut direction: the proxy holds what it read and reads no more, so
 * the sender's socket buffers fill and the connection stalls as a TCP connection does when its
 * packets are dropped; on the heal the held bytes go on, so a stream survives a cut intact as it
 * would across retransmissions. New connections to a cut node are accepted but carry nothing
 * (where a dropped SYN would time out the connect). A node killed or restarted closes its side,
 * and the proxy closes the other.
 * <p>
 * What it cannot cut: the controller quorum's traffic, which is Aeron over UDP and does not cross
 * the proxy. An isolated node keeps its voter and its broker session, so it stays leader of its
 * partitions (and may shrink their ISR to itself) where the namespace version would have it
 * fenced and replaced. Thread-safe: the cut table is guarded by this object's monitor, which the
 * forwarding threads wait on.
 */
final class ProxyNetwork implements NetworkFaults, AutoCloseable
{
    /** Source id of connections not opened by a node: the workload's clients. */
    static final int CLIENT = 0;
    private static final int BUFFER_BYTES = 64 * 1024;
    private static final int IDENTIFY_ATTEMPTS = 20;
    private static final long IDENTIFY_RETRY_MS = 5;
    private static final Path PROC = Path.of("/proc");

    private final int nodes;
    private final IntToLongFunction pidOfNode;
    /** cut[from][to]: bytes from {@code from} to {@code to} are held. Index 0 is the clients. */
    private final boolean[][] cut;
    private final List<ServerSocket> listeners = new ArrayList<>();
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong unidentified = new AtomicLong();
    private volatile boolean closed;

    /**
     * @param nodes     node ids run from 1 to {@code nodes}
     * @param pidOfNode the pid of a node's running JVM, or -1 when it runs none
     */
    ProxyNetwork(final int nodes, final IntToLongFunction pidOfNode)
    {
        this.nodes = nodes;
        this.pidOfNode = pidOfNode;
        this.cut = new boolean[nodes + 1][nodes + 1];
    }

    /** Listens on {@code listen} for the node and forwards each connection to {@code target}, where the node listens. */
    void start(final int nodeId, final InetSocketAddress listen, final InetSocketAddress target) throws IOException
    {
        final ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        try
        {
            server.bind(listen);
        }
        catch (final IOException e)
        {
            server.close();
            throw new IOException("TCP port " + listen.getPort() + " (node " + nodeId + "'s proxy) is already in use; " +
                "set OSPREY_CHAOS_BASE_PORT", e);
        }
        listeners.add(server);
        final Thread acceptor = new Thread(() -> accept(nodeId, server, target), "chaos-proxy-" + nodeId);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @Override
    public String description()
    {
        return "a TCP proxy in front of each node";
    }

    @Override
    public void isolate(final int nodeId)
    {
        setCut(nodeId, true, true, true);
    }

    @Override
    public void rejoin(final int nodeId)
    {
        setCut(nodeId, true, true, false);
    }

    @Override
    public String cutOneWay(final int nodeId, final boolean toNode)
    {
        setCut(nodeId, toNode, !toNode, true);
        return "proxy holds " + (toNode ? "every byte to it" : "every byte from it");
    }

    @Override
    public void healOneWay(final int nodeId, final boolean toNode)
    {
        setCut(nodeId, toNode, !toNode, false);
    }

    @Override
    public void healAll(final int nodeId)
    {
        setCut(nodeId, true, true, false);
    }

    /** Connections whose opener could not be found (counted as clients); a few mean a race with an exiting process. */
    long unidentified()
    {
        return unidentified.get();
    }

    /** Whether bytes from {@code from} to {@code to} are held now (ids: 0 the clients, else a node). */
    synchronized boolean isCut(final int from, final int to)
    {
        return cut[from][to];
    }

    /** Stops listening and closes every connection; bytes still held by a cut are dropped with them. */
    @Override
    public void close()
    {
        closed = true;
        synchronized (this)
        {
            notifyAll();
        }
        for (final ServerSocket s : listeners)
        {
            CloseHelper.quietClose(s);
        }
        for (final Connection c : connections)
        {
            c.close();
        }
    }

    private synchronized void setCut(final int nodeId, final boolean toNode, final boolean fromNode, final boolean value)
    {
        for (int other = 0; other <= nodes; other++)
        {
            if (other == nodeId)
            {
                continue;
            }
            if (toNode)
            {
                cut[other][nodeId] = value;
            }
            if (fromNode)
            {
                cut[nodeId][other] = value;
            }
        }
        notifyAll();
    }

    /** Waits while the direction is cut; false once the proxy or the connection closes. */
    private synchronized boolean awaitOpen(final int from, final int to, final Connection connection) throws InterruptedException
    {
        while (cut[from][to] && !closed && !connection.closed)
        {
            wait();
        }
        return !closed && !connection.closed;
    }

    private void accept(final int nodeId, final ServerSocket server, final InetSocketAddress target)
    {
        while (!closed)
        {
            final Socket client;
            try
            {
                client = server.accept();
            }
            catch (final IOException e)
            {
                if (!closed)
                {
                    ChaosLog.info("proxy of node %d stopped accepting: %s", nodeId, e);
                }
                return;
            }
            final Thread t = new Thread(() -> connect(nodeId, client, target), "chaos-proxy-" + nodeId + "-" + client.getPort());
            t.setDaemon(true);
            t.start();
        }
    }

    /** Runs on the connection's own thread: attributes it, connects to the node, forwards both ways. */
    private void connect(final int nodeId, final Socket client, final InetSocketAddress target)
    {
        final int source = identify(client.getPort(), client.getLocalPort());
        final Socket upstream = new Socket();
        try
        {
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
            upstream.connect(target, 5_000);
        }
        catch (final IOException e)
        {
            // The node is down: the caller sees its connection close, as it would see a refused connect.
            CloseHelper.quietCloseAll(client, upstream);
            return;
        }
        final Connection c = new Connection(client, upstream);
        connections.add(c);
        if (closed)
        {
            c.close();
            return;
        }
        final Thread back = new Thread(() -> c.pump(upstream, client, nodeId, source), Thread.currentThread().getName() + "-back");
        back.setDaemon(true);
        back.start();
        c.pump(client, upstream, source, nodeId);
    }

    /**
     * The node whose JVM opened the connection that reached the proxy from {@code peerPort}, or
     * {@link #CLIENT}. The opener's socket is the one in {@code /proc/net/tcp[6]} whose local port
     * is {@code peerPort} and remote port {@code proxyPort}.
     */
    int identify(final int peerPort, final int proxyPort)
    {
        for (int attempt = 0; attempt < IDENTIFY_ATTEMPTS; attempt++)
        {
            final long inode = socketInode(peerPort, proxyPort);
            if (inode > 0)
            {
                final String link = "socket:[" + inode + "]";
                for (int id = 1; id <= nodes; id++)
                {
                    final long pid = pidOfNode.applyAsLong(id);
                    if (pid > 0 && holds(pid, link))
                    {
                        return id;
                    }
                }
                if (holds(ProcessHandle.current().pid(), link))
                {
                    return CLIENT;
                }
            }
            try
            {
                Thread.sleep(IDENTIFY_RETRY_MS);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
                break;
            }
        }
        unidentified.incrementAndGet();
        return CLIENT;
    }

    /** The inode of the socket with that local and remote port, or -1. */
    static long socketInode(final int localPort, final int remotePort)
    {
        for (final String table : new String[] {"net/tcp", "net/tcp6"})
        {
            final List<String> lines;
            try
            {
                lines = Files.readAllLines(PROC.resolve(table), StandardCharsets.US_ASCII);
            }
            catch (final IOException e)
            {
                continue;
            }
            for (int i = 1; i < lines.size(); i++)
            {
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
                final String[] f = lines.get(i).trim().split("\\s+");
                if (f.length > 9 && port(f[1]) == localPort && port(f[2]) == remotePort)
                {
                    final long inode = Long.parseLong(f[9]);
                    if (inode > 0)
                    {
                        return inode;
                    }
                }
            }
        }
        return -1;
    }

    private static int port(final String hexAddress)
    {
        return Integer.parseInt(hexAddress.substring(hexAddress.indexOf(':') + 1), 16);
    }

    /** Whether the process has the file ({@code socket:[inode]}) open. */
    private static boolean holds(final long pid, final String link)
    {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(PROC.resolve(Long.toString(pid)).resolve("fd")))
        {
            for (final Path fd : fds)
            {
                try
                {
                    if (link.equals(Files.readSymbolicLink(fd).toString()))
                    {
                        return true;
                    }
                }
                catch (final IOException e)
                {
                    // Closed while we looked: not the one.
                }
            }
        }
        catch (final IOException e)
        {
            // The process is gone.
        }
        return false;
    }

    /** One proxied connection: the caller's socket and the one to the node, forwarded by two threads. */
    private final class Connection
    {
        private final Socket client;
        private final Socket upstream;
        private volatile boolean closed;
        private int pumpsDone;

        Connection(final Socket client, final Socket upstream)
        {
            this.client = client;
            this.upstream = upstream;
        }

        /** Forwards {@code in} to {@code out} while {@code from -> to} is open; an end of stream is passed on, an error closes both. */
        void pump(final Socket in, final Socket out, final int from, final int to)
        {
            final byte[] buffer = new byte[BUFFER_BYTES];
            try
            {
                final InputStream input = in.getInputStream();
                final OutputStream output = out.getOutputStream();
                int n;
                while ((n = input.read(buffer)) >= 0)
                {
                    if (!awaitOpen(from, to, this))
                    {
                        close();
                        return;
                    }
                    output.write(buffer, 0, n);
                }
                // A close is held by a cut like any byte: it goes on when the cut heals.
                if (awaitOpen(from, to, this))
                {
                    out.shutdownOutput();
                }
            }
            catch (final IOException e)
            {
                close();
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
                close();
            }
            finally
            {
                finished();
            }
        }

        private synchronized void finished()
        {
            if (++pumpsDone == 2)
            {
                close();
            }
        }

        void close()
        {
            closed = true;
            CloseHelper.quietCloseAll(client, upstream);
            connections.remove(this);
            // A pump held by a cut ends now instead of at the heal.
            synchronized (ProxyNetwork.this)
            {
                ProxyNetwork.this.notifyAll();
            }
        }
    }
}
