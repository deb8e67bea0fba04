package io.osprey.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;

import io.osprey.config.StorageFormat;

/**
 * An Osprey node in a JVM of its own ({@code io.osprey.Node}), for fault tests: it can be
 * killed with SIGKILL ({@link #kill()}, {@code Process.destroyForcibly} on Linux), stopped
 * cleanly ({@link #stop()}, SIGTERM runs the node's shutdown hook) and started again on the same
 * data directory and port.
 * <p>
 * Layout under {@code dir}: {@code server.properties} (written once, from the defaults below plus
 * the overrides), {@code data/} (the log directory, formatted on first start) and
 * {@code broker.log} (the process's stdout and stderr, appended across restarts). The child runs
 * {@code java} from {@code java.home} with this JVM's class path, {@code -Xmx256m} and the
 * {@code --add-exports} flag Agrona needs. Several instances can run side by side; give each
 * its own directory, node id and port. {@link #cluster} lays out several combined nodes that form
 * one controller quorum; start them all with {@link #launch()} first and then
 * {@link #awaitReady()} each, since a broker serves only once a quorum has formed and it has
 * registered.
 */
public final class BrokerProcess implements AutoCloseable
{
    /** Test ports start here: below it are well-known ports and the scripts' defaults (9092, 19092...). */
    private static final int PORTS_FROM = 20_000;
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** How long a start may take before the test fails (JVM start plus log recovery). */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path dir;
    private final int nodeId;
    private final int port;
    private final String clusterId;
    private final List<Path> aeronDirs;
    private Process process;

    /**
     * @param dir       the node's directory (created if missing)
     * @param nodeId    {@code node.id}
     * @param port      client port on 127.0.0.1
     * @param clusterId cluster id to format with (the same for every node of a cluster)
     * @param overrides broker keys set on top of the test defaults
     */
    public BrokerProcess(final Path dir, final int nodeId, final int port, final String clusterId,
        final Map<String, String> overrides) throws IOException
    {
        this.dir = dir;
        this.nodeId = nodeId;
        this.port = port;
        this.clusterId = clusterId;
        this.aeronDirs = aeronDirs(nodeId, port, overrides.getOrDefault("controller.quorum.voters", ""));
        Files.createDirectories(dir);
        if (!Files.exists(propertiesFile()))
        {
            final Map<String, String> props = new LinkedHashMap<>();
            props.put("node.id", Integer.toString(nodeId));
            props.put("process.roles", "broker,controller");
            props.put("listeners", "PLAINTEXT://127.0.0.1:" + port);
            props.put("log.dirs", dataDir().toString());
            props.put("osprey.admin.http.listener", "");
            props.put("num.io.threads", "2");
            props.put("num.network.threads", "2");
            props.putAll(overrides);
            final Properties p = new Properties();
            p.putAll(props);
            try (Writer w = Files.newBufferedWriter(propertiesFile(), StandardCharsets.UTF_8))
            {
                p.store(w, "BrokerProcess node " + nodeId);
            }
        }
    }

    /**
     * {@code count} combined nodes (ids 1..count) of one cluster under {@code dir}, each with a free
     * client port and its own controller port base, all listing the same voters.
     */
    public static List<BrokerProcess> cluster(final Path dir, final int count, final Map<String, String> overrides) throws IOException
    {
        final String clusterId = StorageFormat.randomClusterId();
        final int[] ports = new int[count];
        final StringBuilder voters = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            ports[i] = freePort();
            voters.append(i == 0 ? "" : ",").append(i + 1).append("@127.0.0.1:").append(freePortWithQuorumPorts() + 1);
        }
        final List<BrokerProcess> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            final Map<String, String> props = new LinkedHashMap<>(overrides);
            props.put("controller.quorum.voters", voters.toString());
            nodes.add(new BrokerProcess(dir.resolve("node-" + (i + 1)), i + 1, ports[i], clusterId, props));
        }
        return nodes;
    }

    /** A single node on a free port with a random cluster id. */
    public static BrokerProcess single(final Path dir, final Map<String, String> overrides) throws IOException
    {
        return new BrokerProcess(dir, 1, freePortWithQuorumPorts(), StorageFormat.randomClusterId(), overrides);
    }

    /**
     * A free TCP port P whose UDP ports P+1 to P+5 are free too: a combined node with no
     * {@code controller.quorum.voters} runs its quorum of one there.
     */
    public static int freePortWithQuorumPorts() throws IOException
    {
        for (int attempt = 0; attempt < 100; attempt++)
        {
            final int port = freePort();
            // The UDP ports must not be another node's either: voters' ranges picked apart could overlap.
            if (port + 5 <= 65_535 && java.util.stream.IntStream.rangeClosed(port + 1, port + 5).noneMatch(HANDED_OUT::contains)
                && udpFree(port + 1, 5))
            {
                java.util.stream.IntStream.rangeClosed(port + 1, port + 5).forEach(HANDED_OUT::add);
                return port;
            }
        }
        throw new IOException("no free TCP port followed by 5 free UDP ports after 100 tries");
    }

    private static boolean udpFree(final int from, final int count)
    {
        final List<java.net.DatagramSocket> held = new ArrayList<>();
        try
        {
            for (int p = from; p < from + count; p++)
            {
                held.add(new java.net.DatagramSocket(p, java.net.InetAddress.getLoopbackAddress()));
            }
            return true;
        }
        catch (final IOException e)
        {
            return false;
        }
        finally
        {
            held.forEach(java.net.DatagramSocket::close);
        }
    }

    /**
     * A TCP port free on loopback now, not handed out before in this JVM, and below Linux's
     * ephemeral range. Nodes keep their ports across restarts, and a port in that range can be
     * taken meanwhile by some socket's ephemeral end (Aeron's port-0 endpoints, outgoing
     * connections): a CI run failed when a restarted node found its controller port in use.
     */
    public static int freePort() throws IOException
    {
        final int high = Math.max(PORTS_FROM + 1_000, ephemeralPortsFrom()) - 6;
        for (int attempt = 0; attempt < 1_000; attempt++)
        {
            final int port = PORTS_FROM + java.util.concurrent.ThreadLocalRandom.current().nextInt(high - PORTS_FROM);
            if (!HANDED_OUT.contains(port) && tcpFree(port) && HANDED_OUT.add(port))
            {
                return port;
            }
        }
        throw new IOException("no free TCP port in " + PORTS_FROM + "-" + high + " after 1,000 tries");
    }

    private static boolean tcpFree(final int port)
    {
        try (java.net.ServerSocket s = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress()))
        {
            return s.getLocalPort() == port;
        }
        catch (final IOException e)
        {
            return false;
        }
    }

    /** The first port of the kernel's ephemeral range (32768 when it cannot be read). */
    private static int ephemeralPortsFrom()
    {
        try
        {
            return Integer.parseInt(Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+")[0]);
        }
        catch (final IOException | RuntimeException e)
        {
            return 32_768;
        }
    }

    public Path dir()
    {
        return dir;
    }

    public Path dataDir()
    {
        return dir.resolve("data");
    }

    public Path propertiesFile()
    {
        return dir.resolve("server.properties");
    }

    public Path logFile()
    {
        return dir.resolve("broker.log");
    }

    public int nodeId()
    {
        return nodeId;
    }

    public int port()
    {
        return port;
    }

    public String bootstrap()
    {
        return "127.0.0.1:" + port;
    }

    public boolean isAlive()
    {
        return process != null && process.isAlive();
    }

    public long pid()
    {
        return process == null ? -1 : process.pid();
    }

    /** Formats the data directory on first use, starts the JVM and waits until the port accepts connections. */
    public void start() throws IOException
    {
        launch();
        awaitReady();
    }

    /** Formats the data directory on first use and starts the JVM without waiting for it. */
    public void launch() throws IOException
    {
        if (isAlive())
        {
            throw new IllegalStateException("Node " + nodeId + " is already running (pid " + process.pid() + ")");
        }
        if (!Files.exists(dataDir().resolve(StorageFormat.META_PROPERTIES)))
        {
            StorageFormat.format(dataDir(), clusterId, nodeId);
        }
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("--add-exports");
        command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.osprey.Node");
        command.add(propertiesFile().toString());
        process = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
            .start();
    }

    /** Waits until the node accepts connections (a broker does once it has registered with the quorum). */
    public void awaitReady()
    {
        try
        {
            Awaitility.await("node " + nodeId + " accepting on " + bootstrap())
                .atMost(START_TIMEOUT)
                .pollInterval(Duration.ofMillis(100))
                .until(() ->
                {
                    if (!process.isAlive())
                    {
                        throw new IllegalStateException("Node " + nodeId + " exited with " + process.exitValue() +
                            " during start-up; log:\n" + tail());
                    }
                    return accepts();
                });
        }
        catch (final RuntimeException e)
        {
            kill();
            throw e;
        }
    }

    private boolean accepts()
    {
        try (Socket s = new Socket())
        {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        }
        catch (final IOException e)
        {
            return false;
        }
    }

    /**
     * SIGKILL: no shutdown hook, no flush, no clean close. Waits until the process is gone, then
     * deletes its Aeron directories in /dev/shm (a killed node cannot; a restart would anyway).
     */
    public void kill()
    {
        if (process == null)
        {
            return;
        }
        process.destroyForcibly();
        waitForExit();
        for (final Path d : aeronDirs)
        {
            try (var files = Files.exists(d) ? Files.walk(d) : java.util.stream.Stream.<Path>empty())
            {
                for (final Path f : files.sorted(java.util.Comparator.reverseOrder()).toList())
                {
                    Files.deleteIfExists(f);
                }
            }
            catch (final IOException e)
            {
                // Best effort: the next start of this node deletes it too.
            }
        }
    }

    /** The default Aeron directories of the node's controller and its broker's controller client (see QuorumSettings, Broker). */
    private static List<Path> aeronDirs(final int nodeId, final int port, final String voters)
    {
        int controllerPort = port + 1;
        for (final String v : voters.split(","))
        {
            if (v.startsWith(nodeId + "@"))
            {
                controllerPort = Integer.parseInt(v.substring(v.lastIndexOf(':') + 1).trim());
            }
        }
        final Path shm = Path.of("/dev/shm");
        return List.of(shm.resolve("osprey-controller-" + nodeId + "-" + controllerPort), shm.resolve("osprey-broker-" + nodeId + "-" + port));
    }

    /** SIGTERM: the node closes cleanly in its shutdown hook. Waits until the process is gone (killed after 30 s). */
    public void stop()
    {
        if (process == null)
        {
            return;
        }
        process.destroy();
        try
        {
            if (!process.waitFor(30, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
            }
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
        waitForExit();
    }

    /** Kill -9, then start again on the same directory and port. */
    public void killAndRestart() throws IOException
    {
        kill();
        start();
    }

    private void waitForExit()
    {
        try
        {
            if (!process.waitFor(30, TimeUnit.SECONDS))
            {
                throw new IllegalStateException("Node " + nodeId + " (pid " + process.pid() + ") did not exit");
            }
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** The last lines of the node's log, for failure messages. */
    public String tail()
    {
        try
        {
            final List<String> lines = Files.exists(logFile()) ? Files.readAllLines(logFile(), StandardCharsets.UTF_8) : List.of();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close()
    {
        if (isAlive())
        {
            kill();
        }
    }
}
