package io.osprey.server;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.osprey.config.BrokerConfig;
import io.osprey.config.StorageFormat;

/** A single-node broker on a free loopback port with its own formatted log directory, for tests. */
public final class TestBroker implements AutoCloseable
{
    private final Path logDir;
    private final Map<String, String> overrides;
    private Broker broker;
    private int port;

    public TestBroker(final Path logDir, final Map<String, String> overrides) throws Exception
    {
        this.logDir = logDir;
        this.overrides = new HashMap<>(overrides);
        port = freePort();
        StorageFormat.format(logDir, StorageFormat.randomClusterId(), 1);
        start();
    }

    public TestBroker(final Path logDir) throws Exception
    {
        this(logDir, Map.of());
    }

    public static int freePort() throws IOException
    {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
        {
            return s.getLocalPort();
        }
    }

    public void start() throws Exception
    {
        final Map<String, Object> props = new HashMap<>();
        props.put("node.id", "1");
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + port);
        props.put("log.dirs", logDir.toString());
        props.put("num.io.threads", "2");
        props.put("num.network.threads", "2");
        props.putAll(overrides);
        broker = new Broker(BrokerConfig.parse(props));
    }

    /** Clean stop and start on the same directory and port. */
    public void restart() throws Exception
    {
        broker.close();
        start();
    }

    public Broker broker()
    {
        return broker;
    }

    public int port()
    {
        return port;
    }

    public String bootstrap()
    {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close()
    {
        if (broker != null)
        {
            broker.close();
        }
    }
}
