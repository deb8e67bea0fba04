package io.osprey;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.osprey.common.OspreyException;
import io.osprey.config.BrokerConfig;
import io.osprey.server.OspreyNode;
import io.osprey.server.QuorumSettings;

/**
 * The Osprey node process.
 * <pre>
 *   Node &lt;server.properties&gt; [--override key=value]...          run the node
 *   Node format &lt;server.properties&gt; [--cluster-id ID] [--ignore-formatted] [--override key=value]...
 * </pre>
 * Exit codes: 0 clean stop, 1 a configuration or storage error (the message names the key or
 * directory), 2 a usage error.
 */
public final class Node
{
    private static final Logger LOG = LoggerFactory.getLogger(Node.class);

    private Node()
    {
    }

    public static void main(final String[] args)
    {
        try
        {
            System.exit(run(args));
        }
        catch (final OspreyException | java.io.IOException e)
        {
            System.err.println("ERROR: " + e.getMessage());
            LOG.error("Start-up failed: {}", e.getMessage());
            System.exit(1);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            System.exit(1);
        }
    }

    static int run(final String[] args) throws java.io.IOException, InterruptedException
    {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h"))
        {
            usage();
            return args.length == 0 ? 2 : 0;
        }
        final boolean format = args[0].equals("format");
        if (format)
        {
            // One implementation of formatting: the CLI's 'storage format'.
            if (args.length < 2)
            {
                usage();
                return 2;
            }
            final java.util.List<String> cli = new java.util.ArrayList<>(java.util.List.of("storage", "format", "--config", args[1]));
            cli.addAll(java.util.Arrays.asList(args).subList(2, args.length));
            return io.osprey.cli.OspreyCli.run(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true),
                cli.toArray(String[]::new));
        }
        int i = 0;
        if (i >= args.length)
        {
            usage();
            return 2;
        }
        final Path configFile = Paths.get(args[i++]);
        final Map<String, String> overrides = new LinkedHashMap<>();
        for (; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--override" ->
                {
                    final String kv = i + 1 < args.length ? args[++i] : "";
                    final int eq = kv.indexOf('=');
                    if (eq <= 0)
                    {
                        System.err.println("--override needs key=value, got '" + kv + "'");
                        return 2;
                    }
                    overrides.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
                default ->
                {
                    System.err.println("Unknown argument '" + args[i] + "'");
                    usage();
                    return 2;
                }
            }
        }
        final BrokerConfig config = BrokerConfig.load(configFile, overrides);
        final CountDownLatch stopped = new CountDownLatch(1);
        final java.util.concurrent.atomic.AtomicReference<OspreyNode> running = new java.util.concurrent.atomic.AtomicReference<>();
        final Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            final OspreyNode node = running.get();
            if (node == null)
            {
                // Still starting (a broker waits for its quorum): give up the start.
                main.interrupt();
                return;
            }
            node.close();
            stopped.countDown();
        }, "osprey-shutdown"));
        final OspreyNode node = OspreyNode.start(config);
        running.set(node);
        final String roles = config.processRoles().stream().map(r -> r.configName()).sorted().reduce((a, b) -> a + "," + b).orElse("");
        if (node.broker() != null)
        {
            System.out.println("Osprey node " + config.nodeId() + " (" + roles + ") started on port " + node.broker().port() +
                " (cluster " + node.broker().clusterId() + ", controller quorum " + QuorumSettings.votersText(config) + ")");
        }
        else
        {
            System.out.println("Osprey node " + config.nodeId() + " (" + roles + ") started (controller quorum " +
                QuorumSettings.votersText(config) + ")");
        }
        stopped.await();
        return 0;
    }

    private static void usage()
    {
        System.err.println("""
            Usage:
              io.osprey.Node <server.properties> [--override key=value]...
              io.osprey.Node format <server.properties> [--cluster-id ID] [--ignore-formatted] [--override key=value]...""");
    }
}
