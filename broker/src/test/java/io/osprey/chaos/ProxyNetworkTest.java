package io.osprey.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The no-root partition maker with real sockets and a real second process: connections are
 * attributed to the process that opened them, and a cut holds bytes (and closes) until the heal,
 * which delivers them intact and in order.
 */
class ProxyNetworkTest
{
    /** Stands in for a node: accepts connections and keeps what each one sent. */
    private ServerSocket node;
    private final List<ByteArrayOutputStream> received = new CopyOnWriteArrayList<>();
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final AtomicLong childPid = new AtomicLong(-1);
    private ProxyNetwork network;
    private InetSocketAddress proxyAddress;

    @BeforeEach
    void start() throws IOException
    {
        final InetAddress loopback = InetAddress.getByName("127.0.0.1");
        node = new ServerSocket(0, 50, loopback);
        final Thread acceptor = new Thread(() ->
        {
            try
            {
                while (true)
                {
                    final Socket s = node.accept();
                    accepted.add(s);
                    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    received.add(bytes);
                    final Thread reader = new Thread(() -> copy(s, bytes));
                    reader.setDaemon(true);
                    reader.start();
                }
            }
            catch (final IOException e)
            {
                // Closed by the test.
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        // Node 1 is the test's child process (when there is one); node 2 is only ever a target.
        network = new ProxyNetwork(2, id -> id == 1 ? childPid.get() : -1);
        try (ServerSocket probe = new ServerSocket(0, 1, loopback))
        {
            proxyAddress = new InetSocketAddress(loopback, probe.getLocalPort());
        }
        network.start(2, proxyAddress, new InetSocketAddress(loopback, node.getLocalPort()));
    }

    @AfterEach
    void stop() throws IOException
    {
        network.close();
        node.close();
        for (final Socket s : accepted)
        {
            s.close();
        }
    }

    private static void copy(final Socket s, final ByteArrayOutputStream to)
    {
        try (InputStream in = s.getInputStream())
        {
            final byte[] buffer = new byte[4096];
            int n;
            while ((n = in.read(buffer)) >= 0)
            {
                synchronized (to)
                {
                    to.write(buffer, 0, n);
                }
            }
            synchronized (to)
            {
                to.write("<EOF>".getBytes(StandardCharsets.US_ASCII), 0, 5);
            }
        }
        catch (final IOException e)
        {
            // Reset: the test looks at what arrived.
        }
    }

    private static String text(final ByteArrayOutputStream bytes)
    {
        synchronized (bytes)
        {
            return bytes.toString(StandardCharsets.US_ASCII);
        }
    }

    @Test
    void isolationHoldsBytesAndTheCloseUntilTheHealThenDeliversThemInOrder() throws Exception
    {
        try (Socket client = new Socket(proxyAddress.getAddress(), proxyAddress.getPort()))
        {
            final OutputStream out = client.getOutputStream();
            out.write("before ".getBytes(StandardCharsets.US_ASCII));
            await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1 && text(received.get(0)).equals("before "));

            network.isolate(2);
            assertThat(network.isCut(ProxyNetwork.CLIENT, 2)).isTrue();
            assertThat(network.isCut(2, ProxyNetwork.CLIENT)).isTrue();
            // Large enough to fill the proxy's buffer and the socket buffers behind it, written off the test thread.
            final byte[] big = new byte[32 * 1024 * 1024];
            for (int i = 0; i < big.length; i++)
            {
                big[i] = (byte)('a' + i % 26);
            }
            final Thread writer = new Thread(() ->
            {
                try
                {
                    out.write(big);
                    out.write(" after".getBytes(StandardCharsets.US_ASCII));
                    client.shutdownOutput();
                }
                catch (final IOException e)
                {
                    // The assertion below fails.
                }
            });
            writer.start();
            TimeUnit.MILLISECONDS.sleep(500);
            assertThat(text(received.get(0))).isEqualTo("before ");
            assertThat(writer.isAlive()).as("the sender stalls once the buffers are full").isTrue();

            network.rejoin(2);
            writer.join(10_000);
            await().atMost(Duration.ofSeconds(10)).until(() -> text(received.get(0)).endsWith("<EOF>"));
            final String all = text(received.get(0));
            assertThat(all).hasSize("before ".length() + big.length + " after".length() + "<EOF>".length());
            assertThat(all).startsWith("before abcdefghijklmnopqrstuvwxyzabc").endsWith(" after<EOF>");
            assertThat(all.substring("before ".length(), "before ".length() + big.length))
                .isEqualTo(new String(big, StandardCharsets.US_ASCII));
        }
        assertThat(network.unidentified()).isZero();
    }

    @Test
    void aConnectionFromANodeProcessIsCutWithThatNodeAndAClientsIsNot() throws Exception
    {
        // A real second process opens the connection: bash's /dev/tcp, writing once the test says so (a file appears).
        final Path go = Files.createTempFile("proxy-test", ".go");
        Files.delete(go);
        final Process child = new ProcessBuilder("bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + proxyAddress.getPort() +
            "; while [ ! -e " + go + " ]; do sleep 0.05; done; printf from-node-1 >&3; sleep 30").start();
        try
        {
            childPid.set(child.pid());
            await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
            // Node 1 cut off: its bytes to node 2 are held; the test's own connection (a client) still flows.
            network.isolate(1);
            Files.createFile(go);
            try (Socket client = new Socket(proxyAddress.getAddress(), proxyAddress.getPort()))
            {
                client.getOutputStream().write("from-client".getBytes(StandardCharsets.US_ASCII));
                await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 2 && text(received.get(1)).equals("from-client"));
            }
            TimeUnit.MILLISECONDS.sleep(500);
            assertThat(text(received.get(0))).isEmpty();

            network.healAll(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> text(received.get(0)).equals("from-node-1"));
            assertThat(network.unidentified()).isZero();
        }
        finally
        {
            child.destroyForcibly().waitFor();
            Files.deleteIfExists(go);
        }
    }

    @Test
    void aOneWayCutHoldsOnlyTheCutDirection() throws Exception
    {
        try (Socket client = new Socket(proxyAddress.getAddress(), proxyAddress.getPort()))
        {
            await().atMost(Duration.ofSeconds(10)).until(() -> accepted.size() == 1);
            network.cutOneWay(2, false);
            // To the node: flows.
            client.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            await().atMost(Duration.ofSeconds(10)).until(() -> text(received.get(0)).equals("ping"));
            // From the node: held until the heal.
            accepted.get(0).getOutputStream().write("pong".getBytes(StandardCharsets.US_ASCII));
            client.setSoTimeout(500);
            final InputStream in = client.getInputStream();
            final byte[] buffer = new byte[4];
            boolean timedOut = false;
            try
            {
                in.read(buffer);
            }
            catch (final SocketTimeoutException e)
            {
                timedOut = true;
            }
            assertThat(timedOut).as("nothing from the node while its outbound is cut").isTrue();
            network.healOneWay(2, false);
            client.setSoTimeout(10_000);
            assertThat(in.readNBytes(4)).isEqualTo("pong".getBytes(StandardCharsets.US_ASCII));
        }
    }
}
