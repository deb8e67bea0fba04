package io.osprey.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Small text checkpoint files in Kafka's layout, written atomically (temporary file, fsync,
 * rename, fsync of the directory) so a crash leaves either the old or the new content:
 * <pre>
 * 0            version
 * N            number of entries
 * a b          N lines of two space-separated fields
 * </pre>
 * Used for {@code leader-epoch-checkpoint} (epoch, start offset) and the node-level
 * {@code recovery-point-offset-checkpoint}, {@code log-start-offset-checkpoint} and
 * {@code replication-offset-checkpoint} (partition directory name, offset).
 */
public final class CheckpointFiles
{
    public static final int VERSION = 0;

    private CheckpointFiles()
    {
    }

    /** One line: two fields. */
    public record Line(String first, String second)
    {
    }

    public static void write(final Path path, final List<Line> lines) throws IOException
    {
        final StringBuilder sb = new StringBuilder();
        sb.append(VERSION).append('\n').append(lines.size()).append('\n');
        for (final Line line : lines)
        {
            sb.append(line.first()).append(' ').append(line.second()).append('\n');
        }
        final Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            final java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining())
            {
                ch.write(bytes);
            }
            ch.force(true);
        }
        catch (final IOException e)
        {
            // A full disk: the old checkpoint stays in place; do not leave a partial temporary file behind.
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsyncDirectory(path.getParent());
    }

    /** Reads a checkpoint; a missing file is empty; a malformed one is an error naming the file. */
    public static List<Line> read(final Path path) throws IOException
    {
        final List<Line> result = new ArrayList<>();
        if (!Files.exists(path))
        {
            return result;
        }
        final List<String> all = Files.readAllLines(path, StandardCharsets.UTF_8);
        try
        {
            if (all.size() < 2 || Integer.parseInt(all.get(0).trim()) != VERSION)
            {
                throw new IOException("Checkpoint " + path + " has no version " + VERSION + " header");
            }
            final int count = Integer.parseInt(all.get(1).trim());
            if (all.size() < 2 + count)
            {
                throw new IOException("Checkpoint " + path + " announces " + count + " entries but has " + (all.size() - 2));
            }
            for (int i = 0; i < count; i++)
            {
                final String line = all.get(2 + i).trim();
                final int space = line.lastIndexOf(' ');
                if (space <= 0)
                {
                    throw new IOException("Checkpoint " + path + " has a malformed line: '" + line + "'");
                }
                result.add(new Line(line.substring(0, space), line.substring(space + 1)));
            }
        }
        catch (final NumberFormatException e)
        {
            throw new IOException("Checkpoint " + path + " is malformed: " + e.getMessage(), e);
        }
        return result;
    }

    static void fsyncDirectory(final Path dir)
    {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ))
        {
            ch.force(true);
        }
        catch (final IOException ignore)
        {
            // Some file systems refuse to open a directory for fsync; the rename is still atomic.
        }
    }
}
