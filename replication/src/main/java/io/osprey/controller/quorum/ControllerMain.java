package io.osprey.controller.quorum;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs one controller voter as its own process:
 * {@code java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp ... io.osprey.controller.quorum.ControllerMain
 * [server.properties] [key=value ...]} (later arguments override earlier ones).
 * <p>
 * Prints {@code STARTED}, {@code ROLE <role>} on every role change, and {@code STOPPED}. Lines
 * on standard input drive it (used by the process tests and handy by hand): {@code image}
 * prints {@code IMAGE offset=.. crc=.. brokers=.. topics=..}, {@code snapshot} asks for a
 * snapshot (leader only) and prints {@code SNAPSHOT true|false}, {@code stop} shuts down
 * cleanly, and so does the end of input when {@code controller.exit.on.stdin.eof=true}. SIGTERM also shuts down cleanly (with a snapshot when leader); SIGKILL is the
 * crash the quorum is built to survive.
 */
public final class ControllerMain
{
    /** With {@code true}, the process stops when its standard input closes (its parent died). */
    public static final String EXIT_ON_STDIN_EOF = "controller.exit.on.stdin.eof";
    private static final long ROLE_POLL_MS = 50;

    private ControllerMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Map<String, String> props = readArgs(args);
        final QuorumConfig config = QuorumConfig.from(props);
        final ControllerNode node = ControllerNode.launch(config);
        final CountDownLatch stopped = new CountDownLatch(1);
        final Thread shutdownHook = new Thread(() ->
        {
            node.close();
            stopped.countDown();
        }, "osprey-controller-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        System.out.println("STARTED node=" + config.nodeId() + " voters=" + config.voters().size() + " dir=" + config.dataDir());

        final Thread roles = new Thread(() -> reportRoles(node, stopped), "osprey-controller-roles");
        roles.setDaemon(true);
        roles.start();

        readCommands(System.in, node);
        // Standard input ended or said stop. A process started with no input (stdin at EOF)
        // waits for a signal, unless told that stdin is its owner's lifeline.
        if (!stdinSaidStop && !Boolean.parseBoolean(props.getOrDefault(EXIT_ON_STDIN_EOF, "false")))
        {
            stopped.await();
            return;
        }
        node.close();
        stopped.countDown();
        System.out.println("STOPPED node=" + config.nodeId());
        System.out.flush();
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
        System.exit(0);
    }

    private static volatile boolean stdinSaidStop;

    private static void readCommands(final InputStream in, final ControllerNode node) throws IOException
    {
        final BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        while ((line = reader.readLine()) != null)
        {
            switch (line.trim())
            {
                case "image" -> System.out.println("IMAGE " + ImageChecksum.describe(node.image()));
                case "snapshot" -> System.out.println("SNAPSHOT " + node.takeSnapshot(10_000));
                case "role" -> System.out.println("ROLE " + node.role());
                case "stop" ->
                {
                    stdinSaidStop = true;
                    return;
                }
                default -> System.out.println("UNKNOWN " + line);
            }
            System.out.flush();
        }
    }

    private static void reportRoles(final ControllerNode node, final CountDownLatch stopped)
    {
        Object last = null;
        try
        {
            while (!stopped.await(ROLE_POLL_MS, TimeUnit.MILLISECONDS))
            {
                final Object role = node.role();
                if (role != last)
                {
                    System.out.println("ROLE " + role);
                    System.out.flush();
                    last = role;
                }
            }
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }

    static Map<String, String> readArgs(final String[] args) throws IOException
    {
        final Map<String, String> props = new TreeMap<>();
        for (final String arg : args)
        {
            final int eq = arg.indexOf('=');
            if (eq > 0)
            {
                props.put(arg.substring(0, eq).trim(), arg.substring(eq + 1).trim());
            }
            else
            {
                final Properties file = new Properties();
                try (InputStream in = Files.newInputStream(Path.of(arg)))
                {
                    file.load(in);
                }
                for (final String key : file.stringPropertyNames())
                {
                    props.put(key, file.getProperty(key).trim());
                }
            }
        }
        return props;
    }
}
