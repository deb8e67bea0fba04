package io.osprey.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * A small file system mounted for one test to fill up: a tmpfs of a given size, or ext4 in a
 * loop-mounted image file. Mounting needs root and a kernel that lets this process mount (not
 * every container does): when either is missing, {@link #tmpfs} and {@link #ext4} abort the test
 * through a JUnit assumption, so it is skipped rather than failed. {@link #close()} unmounts
 * (lazily when the mount is still busy) and deletes the image; call it from {@code @AfterAll} or
 * try-with-resources so nothing stays mounted after a failure.
 */
public final class TinyFilesystem implements AutoCloseable
{
    private static final long COMMAND_TIMEOUT_S = 60;

    private final Path root;
    private final Path image;
    private boolean mounted;

    private TinyFilesystem(final Path root, final Path image)
    {
        this.root = root;
        this.image = image;
    }

    /** Mounts a tmpfs of {@code bytes} at {@code mountPoint} (created if missing), or skips the test. */
    public static TinyFilesystem tmpfs(final Path mountPoint, final long bytes) throws IOException
    {
        assumeCanMount();
        Files.createDirectories(mountPoint);
        final TinyFilesystem fs = new TinyFilesystem(mountPoint, null);
        fs.mountOrSkip(List.of("mount", "-t", "tmpfs", "-o", "size=" + bytes + ",mode=0755", "tmpfs", mountPoint.toString()));
        return fs;
    }

    /**
     * Formats an ext4 image of {@code bytes} in {@code image} with blocks of {@code blockBytes}
     * (1024 is what mkfs picks for a small image, and the hard case for a mapped file: a page
     * spans four blocks; 4096 is what real disks get) and no blocks reserved for root, and
     * loop-mounts it at {@code mountPoint}, or skips the test when mkfs.ext4 or loop devices are
     * missing.
     */
    public static TinyFilesystem ext4(final Path mountPoint, final Path image, final long bytes, final int blockBytes)
        throws IOException
    {
        assumeCanMount();
        Files.createDirectories(mountPoint);
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw"))
        {
            f.setLength(bytes);
        }
        final Result mkfs = run(List.of("mkfs.ext4", "-q", "-F", "-m", "0", "-b", Integer.toString(blockBytes), image.toString()));
        if (mkfs.exitCode() != 0)
        {
            Files.deleteIfExists(image);
            Assumptions.abort("mkfs.ext4 is not usable here: " + mkfs.output());
        }
        final TinyFilesystem fs = new TinyFilesystem(mountPoint, image);
        fs.mountOrSkip(List.of("mount", "-o", "loop", image.toString(), mountPoint.toString()));
        return fs;
    }

    private static void assumeCanMount() throws IOException
    {
        Assumptions.assumeTrue(System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux"),
            "mounting a small file system needs Linux");
        final Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        Assumptions.assumeTrue(Integer.valueOf(0).equals(uid), "mounting a small file system needs root (uid " + uid + ")");
    }

    private void mountOrSkip(final List<String> command) throws IOException
    {
        final Result r = run(command);
        if (r.exitCode() != 0)
        {
            if (image != null)
            {
                Files.deleteIfExists(image);
            }
            Assumptions.abort("cannot mount here (" + String.join(" ", command) + "): " + r.output());
        }
        mounted = true;
    }

    public Path root()
    {
        return root;
    }

    /** Bytes the file system still has for this process. */
    public long usableBytes() throws IOException
    {
        return Files.getFileStore(root).getUsableSpace();
    }

    /**
     * Writes zeros into {@code file} until the file system is full, leaving no room at all (a
     * filler to delete when the test wants space back).
     *
     * @return bytes written
     */
    public static long fillUp(final Path file) throws IOException
    {
        final byte[] zeros = new byte[64 * 1024];
        long written = 0;
        try (OutputStream out = Files.newOutputStream(file))
        {
            int chunk = zeros.length;
            while (chunk > 0)
            {
                try
                {
                    out.write(zeros, 0, chunk);
                    written += chunk;
                }
                catch (final IOException e)
                {
                    // Full for this size: try smaller pieces to take the last blocks too.
                    chunk /= 2;
                }
            }
        }
        catch (final IOException e)
        {
            // Closing a stream on a full disk may fail; the bytes it took are taken all the same.
        }
        return written;
    }

    /** Writes a file of {@code bytes} zeros: space a test can give back later by deleting it. */
    public static void reserve(final Path file, final long bytes) throws IOException
    {
        final byte[] zeros = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file))
        {
            for (long left = bytes; left > 0; left -= zeros.length)
            {
                out.write(zeros, 0, (int)Math.min(zeros.length, left));
            }
        }
    }

    @Override
    public void close() throws IOException
    {
        if (mounted)
        {
            final Result r = run(List.of("umount", root.toString()));
            if (r.exitCode() != 0)
            {
                // Still busy (a child process not yet gone): detach now, the kernel finishes when it is free.
                run(List.of("umount", "-l", root.toString()));
            }
            mounted = false;
        }
        if (image != null)
        {
            Files.deleteIfExists(image);
        }
    }

    private record Result(int exitCode, String output)
    {
    }

    private static Result run(final List<String> command) throws IOException
    {
        final Process p;
        try
        {
            p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        }
        catch (final IOException e)
        {
            return new Result(-1, e.toString());
        }
        try
        {
            if (!p.waitFor(COMMAND_TIMEOUT_S, TimeUnit.SECONDS))
            {
                p.destroyForcibly();
                return new Result(-1, String.join(" ", command) + " timed out");
            }
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return new Result(-1, "interrupted");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
    }
}
