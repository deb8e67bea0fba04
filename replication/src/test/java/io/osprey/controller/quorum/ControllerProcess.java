package io.osprey.controller.quorum;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/**
 * A {@link ControllerMain} in its own JVM, driven through its standard input and watched
 * through its standard output (echoed here with a {@code [cN]} prefix).
 */
final class ControllerProcess
{
    private final int nodeId;
    private final List<String> command;
    private final List<String> lines = new ArrayList<>();
    private Process process;
    private Writer stdin;
    private volatile String role = "NONE";

    ControllerProcess(final int nodeId, final Map<String, String> settings)
    {
        this.nodeId = nodeId;
        command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "-cp", System.getProperty("java.class.path"),
            ControllerMain.class.getName()));
        settings.forEach((k, v) -> command.add(k + "=" + v));
        command.add(ControllerMain.EXIT_ON_STDIN_EOF + "=true");
    }

    int nodeId()
    {
        return nodeId;
    }

    void start()
    {
        try
        {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
        stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        role = "NONE";
        final Process p = process;
        final Thread reader = new Thread(() -> pump(p), "controller-" + nodeId + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    private void pump(final Process p)
    {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = r.readLine()) != null)
            {
                System.out.println("[c" + nodeId + "] " + line);
                if (line.startsWith("ROLE "))
                {
                    role = line.substring(5).trim();
                }
                synchronized (lines)
                {
                    lines.add(line);
                }
            }
        }
        catch (final IOException e)
        {
            // The process died; its output ends here.
        }
    }

    String role()
    {
        return role;
    }

    boolean isAlive()
    {
        return process != null && process.isAlive();
    }

    long pid()
    {
        return process.pid();
    }

    int lineCount()
    {
        synchronized (lines)
        {
            return lines.size();
        }
    }

    /** The first line from index {@code from} on that matches, waiting up to {@code timeout}. */
    String awaitLine(final int from, final Predicate<String> match, final Duration timeout)
    {
        final String[] found = new String[1];
        await().atMost(timeout).pollInterval(Duration.ofMillis(20)).until(() ->
        {
            synchronized (lines)
            {
                for (int i = from; i < lines.size(); i++)
                {
                    if (match.test(lines.get(i)))
                    {
                        found[0] = lines.get(i);
                        return true;
                    }
                }
            }
            return false;
        });
        return found[0];
    }

    /** Sends a stdin command and returns the first reply line starting with {@code replyPrefix}. */
    String ask(final String request, final String replyPrefix, final Duration timeout)
    {
        final int from = lineCount();
        try
        {
            stdin.write(request + "\n");
            stdin.flush();
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
        return awaitLine(from, l -> l.startsWith(replyPrefix), timeout);
    }

    /** SIGKILL: no shutdown hook, no snapshot, no cleanup. */
    void kill9() throws InterruptedException
    {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** Clean stop through stdin, then SIGKILL if it has not exited within the bound. */
    void stop() throws InterruptedException
    {
        if (!isAlive())
        {
            return;
        }
        try
        {
            stdin.write("stop\n");
            stdin.flush();
        }
        catch (final IOException e)
        {
            // Already gone.
        }
        if (!process.waitFor(15, TimeUnit.SECONDS))
        {
            kill9();
        }
    }

    /** utime + stime in clock ticks, from /proc/&lt;pid&gt;/stat (fields 14 and 15). */
    long cpuTicks()
    {
        try
        {
            final String stat = Files.readString(Path.of("/proc", String.valueOf(pid()), "stat"));
            final String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // After the command name, field 3 (state) is index 0, so field N is index N - 3.
            return Long.parseLong(f[14 - 3]) + Long.parseLong(f[15 - 3]);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }
}
