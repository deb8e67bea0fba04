package io.osprey.chaos;

import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One Osprey node of the chaos cluster: a child JVM started with the command line
 * {@code scripts/cluster.sh} uses, prefixed with {@code ip netns exec <namespace>} when the node
 * has a network namespace of its own ({@code ip} execs the JVM, so the child's pid is the JVM's).
 * Its directory holds {@code server.properties}, {@code data/}, {@code node.log} (appended across
 * restarts) and {@code node.pid} (the running JVM, for {@code scripts/chaos.sh} to clean up after a
 * hard timeout). Signals go to that pid only. Not thread-safe: the nemesis and the main thread
 * take turns.
 */
final class ChaosNode
{
    private final int id;
    private final String host;
    private final int port;
    private final int advertisedPort;
    private final int adminPort;
    private final Path dir;
    private final String namespace;
    private final List<String> javaCommand;
    /** Volatile: the proxy's threads read the pid. */
    private volatile Process process;
    private boolean paused;

    /**
     * @param port           where it listens
     * @param advertisedPort where clients and the other nodes reach it: {@code port}, or its proxy's
     * @param namespace      the node's network namespace, or null to run in this one
     * @param javaCommand    {@code java} and its options up to the main class
     */
    ChaosNode(final int id, final String host, final int port, final int advertisedPort, final int adminPort, final Path dir,
        final String namespace, final List<String> javaCommand)
    {
        this.id = id;
        this.host = host;
        this.port = port;
        this.advertisedPort = advertisedPort;
        this.adminPort = adminPort;
        this.dir = dir;
        this.namespace = namespace;
        this.javaCommand = List.copyOf(javaCommand);
    }

    int id()
    {
        return id;
    }

    /** Where clients reach it. */
    String address()
    {
        return host + ":" + advertisedPort;
    }

    int port()
    {
        return port;
    }

    Path dir()
    {
        return dir;
    }

    Path dataDir()
    {
        return dir.resolve("data");
    }

    Path propertiesFile()
    {
        return dir.resolve("server.properties");
    }

    Path logFile()
    {
        return dir.resolve("node.log");
    }

    String namespace()
    {
        return namespace;
    }

    boolean isAlive()
    {
        return process != null && process.isAlive();
    }

    /** Whether the node was started and has exited on its own (not through {@link #kill} or {@link #stop}). */
    boolean hasExited()
    {
        return process != null && !process.isAlive();
    }

    /** The exit code of an exited node; -1 while running or never started. */
    int exitCode()
    {
        return process == null || process.isAlive() ? -1 : process.exitValue();
    }

    boolean isPaused()
    {
        return paused && isAlive();
    }

    long pid()
    {
        final Process p = process;
        return p == null ? -1 : p.pid();
    }

    void start() throws IOException
    {
        if (isAlive())
        {
            throw new IllegalStateException("node " + id + " is already running (pid " + process.pid() + ")");
        }
        final List<String> command = new ArrayList<>();
        if (namespace != null)
        {
            command.addAll(List.of("ip", "netns", "exec", namespace));
        }
        command.addAll(javaCommand);
        command.add("io.osprey.Node");
        command.add(propertiesFile().toString());
        Files.writeString(logFile(), String.format("==== chaos: starting node %d at %s: %s%n", id, Instant.now(),
            String.join(" ", command)), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
        // The node's own directory as its working directory: a JVM crash report (hs_err_pid<pid>.log) lands beside its log.
        process = new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
        paused = false;
        Files.writeString(dir.resolve("node.pid"), Long.toString(process.pid()) + "\n", StandardCharsets.UTF_8);
    }

    /** SIGKILL (a crash), and waits for the process to be gone. */
    void kill() throws InterruptedException
    {
        if (process == null)
        {
            return;
        }
        process.destroyForcibly();
        process.waitFor();
        process = null;
        paused = false;
        deletePidFile();
    }

    /**
     * SIGTERM (controlled shutdown; SIGCONT too if paused, or it would hold the signal), then
     * SIGKILL if the node is still up after the grace period.
     *
     * @return whether it stopped within the grace period
     */
    boolean stop(final long graceMs) throws InterruptedException
    {
        if (!isAlive())
        {
            process = null;
            deletePidFile();
            return true;
        }
        process.destroy();
        if (paused)
        {
            try
            {
                resume();
            }
            catch (final IOException e)
            {
                // Still stopped: the grace period runs out and SIGKILL ends it.
            }
        }
        final boolean clean = process.waitFor(graceMs, TimeUnit.MILLISECONDS);
        if (!clean)
        {
            kill();
        }
        process = null;
        deletePidFile();
        return clean;
    }

    /** SIGSTOP: the node freezes with its sockets open. */
    void pause() throws IOException, InterruptedException
    {
        signal("STOP");
        paused = true;
    }

    /** SIGCONT. */
    void resume() throws IOException, InterruptedException
    {
        signal("CONT");
        paused = false;
    }

    /** Whether the node's admin port answers 200 on {@code /ready}. */
    boolean isReady()
    {
        if (!isAlive() || paused)
        {
            return false;
        }
        try
        {
            final HttpURLConnection c = (HttpURLConnection)URI.create("http://" + host + ":" + adminPort + "/ready").toURL().openConnection();
            c.setConnectTimeout(1000);
            c.setReadTimeout(2000);
            try
            {
                return c.getResponseCode() == 200;
            }
            finally
            {
                c.disconnect();
            }
        }
        catch (final IOException e)
        {
            return false;
        }
    }

    /** The last lines of the node's log without stack frames, for a report. */
    String logTail(final int lines)
    {
        try
        {
            final List<String> all = Files.readAllLines(logFile(), StandardCharsets.UTF_8).stream()
                .filter(l -> !l.startsWith("\tat ") && !l.isBlank()).toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        }
        catch (final IOException e)
        {
            return "(no log: " + e + ")";
        }
    }

    private void signal(final String name) throws IOException, InterruptedException
    {
        if (!isAlive())
        {
            throw new IllegalStateException("node " + id + " is not running");
        }
        final Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0)
        {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    private void deletePidFile()
    {
        try
        {
            Files.deleteIfExists(dir.resolve("node.pid"));
        }
        catch (final IOException e)
        {
            // Only a hint for the script's clean-up, which checks the pid before using it.
        }
    }

    @Override
    public String toString()
    {
        return "node " + id;
    }
}
