package io.osprey.server;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.osprey.config.BrokerConfig;
import io.osprey.config.StorageFormat;
import io.osprey.testing.BrokerProcess;

/**
 * A single combined node (broker and a controller quorum of one, the default roles) on a free
 * loopback port with its own formatted log directory, for tests. The quorum uses the UDP ports
 * from the client port + 1 (see {@link QuorumSettings}).
 */
public final class TestBroker implements AutoCloseable
{
    private final Path logDir;
    private final Map<String, String> overrides;
    private OspreyNode node;
    private int port;

    public TestBroker(final Path logDir, final Map<String, String> overrides) throws Exception
    {
        this.logDir = logDir;
        this.overrides = new HashMap<>(overrides);
        port = BrokerProcess.freePortWithQuorumPorts();
        StorageFormat.format(logDir, StorageFormat.randomClusterId(), 1);
        start();
    }

    public TestBroker(final Path logDir) throws Exception
    {
        this(logDir, Map.of());
    }

    public static int freePort() throws IOException
    {
        return BrokerProcess.freePort();
    }

    /** Starts the node; a node still running (say its broker was closed by the test) is closed first. */
    public void start() throws Exception
    {
        if (node != null)
        {
            node.close();
        }
        final Map<String, Object> props = new HashMap<>();
        props.put("node.id", "1");
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + port);
        props.put("log.dirs", logDir.toString());
        props.put("num.io.threads", "2");
        props.put("num.network.threads", "2");
        // Off unless a test asks for it: the default port would collide between nodes.
        props.put("osprey.admin.http.listener", "");
        props.putAll(overrides);
        node = OspreyNode.start(BrokerConfig.parse(props));
    }

    /** Clean stop and start on the same directory and port. */
    public void restart() throws Exception
    {
        start();
    }

    public Broker broker()
    {
        return node.broker();
    }

    public OspreyNode node()
    {
        return node;
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
        if (node != null)
        {
            node.close();
        }
    }
}
