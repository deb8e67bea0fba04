package io.osprey.controller.quorum;

import io.osprey.controller.MetadataImage;
import io.osprey.controller.MetadataRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/** Ports, directories and a recording metadata listener for the quorum tests. */
final class QuorumTestSupport
{
    private QuorumTestSupport()
    {
    }

    /**
     * A base from which {@code count} consecutive UDP ports are free on loopback right now, below
     * Linux's ephemeral range: voters keep their ports across restarts, and a port in that range can
     * be taken meanwhile by some socket's ephemeral end (Aeron's port-0 endpoints among them).
     */
    static int freePortBase(final int count)
    {
        final int slots = Math.max(100, (ephemeralPortsFrom() - 20_000 - count) / 10);
        for (int attempt = 0; attempt < 100; attempt++)
        {
            final int base = 20_000 + 10 * ThreadLocalRandom.current().nextInt(slots);
            if (allFree(base, count))
            {
                return base;
            }
        }
        throw new IllegalStateException("no " + count + " free consecutive UDP ports found");
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

    private static boolean allFree(final int base, final int count)
    {
        for (int p = base; p < base + count; p++)
        {
            try (DatagramSocket s = new DatagramSocket(p, InetAddress.getLoopbackAddress()))
            {
                s.setReuseAddress(false);
            }
            catch (final IOException e)
            {
                return false;
            }
        }
        return true;
    }

    /** A unique Aeron directory name under /dev/shm (or the temp dir), not yet created. */
    static String aeronDir(final String name)
    {
        final String shm = Files.isDirectory(Path.of("/dev/shm")) ? "/dev/shm" : System.getProperty("java.io.tmpdir");
        return shm + "/osprey-test-" + name + "-" + UUID.randomUUID();
    }

    static void deleteRecursively(final String dir)
    {
        final Path root = Path.of(dir);
        if (!Files.exists(root))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(root))
        {
            for (final Path p : paths.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(p);
            }
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    static ControllerClient.Config clientConfig(final String name, final String voters)
    {
        return new ControllerClient.Config(name + "-" + UUID.randomUUID(), Voter.parseList(voters), aeronDir(name), "localhost",
            500, 30_000, 1_000);
    }

    /** Keeps every record and the latest image it was given; thread-safe. */
    static final class RecordingListener implements MetadataListener
    {
        final AtomicReference<MetadataImage> image = new AtomicReference<>(MetadataImage.EMPTY);
        private final List<MetadataRecord> records = new ArrayList<>();
        private final List<Long> recordTimesNs = new ArrayList<>();
        private int images;

        @Override
        public synchronized void onImage(final MetadataImage newImage)
        {
            images++;
            image.set(newImage);
        }

        @Override
        public synchronized void onRecord(final long offset, final MetadataRecord record, final MetadataImage after)
        {
            records.add(record);
            recordTimesNs.add(System.nanoTime());
            image.set(after);
        }

        synchronized List<MetadataRecord> records()
        {
            return List.copyOf(records);
        }

        synchronized int images()
        {
            return images;
        }

        /** Receive time of the first record after {@code fromIndex} matching, or -1. */
        synchronized long firstTimeNs(final int fromIndex, final java.util.function.Predicate<MetadataRecord> match)
        {
            for (int i = fromIndex; i < records.size(); i++)
            {
                if (match.test(records.get(i)))
                {
                    return recordTimesNs.get(i);
                }
            }
            return -1;
        }

        synchronized int size()
        {
            return records.size();
        }
    }
}
