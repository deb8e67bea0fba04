package io.osprey.config;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Properties;

/**
 * Formats log directories and checks them at start-up. A formatted directory holds Kafka's
 * {@code meta.properties} (version 1: cluster.id, node.id, directory.id); a node refuses to
 * start on a directory that is unformatted or belongs to another cluster or node, because
 * serving another node's partitions as its own would silently corrupt replication.
 */
public final class StorageFormat
{
    public static final String META_PROPERTIES = "meta.properties";
    public static final int VERSION = 1;

    static final String CLUSTER_ID_DESCRIPTION =
        "a non-empty string of letters, digits, '-' and '_' (storage format generates a 22-character base64url UUID)";

    private static final String VERSION_KEY = "version";
    private static final String CLUSTER_ID_KEY = "cluster.id";
    private static final String NODE_ID_KEY = "node.id";
    private static final String DIRECTORY_ID_KEY = "directory.id";
    private static final SecureRandom RANDOM = new SecureRandom();

    private StorageFormat()
    {
    }

    /**
     * A new cluster id: a random UUID as 22 characters of unpadded base64url, like Kafka's
     * {@code kafka-storage.sh random-uuid}. Ids starting with '-' are skipped, as Kafka does,
     * so that the id can never be mistaken for a command-line option.
     */
    public static String randomClusterId()
    {
        return randomUuid();
    }

    private static String randomUuid()
    {
        while (true)
        {
            final byte[] bytes = new byte[16];
            RANDOM.nextBytes(bytes);
            // Version 4, IETF variant, as java.util.UUID.randomUUID() sets them.
            bytes[6] = (byte) ((bytes[6] & 0x0f) | 0x40);
            bytes[8] = (byte) ((bytes[8] & 0x3f) | 0x80);
            final String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            if (id.charAt(0) != '-')
            {
                return id;
            }
        }
    }

    /**
     * Formats {@code logDir} for {@code clusterId} and {@code nodeId}, creating it if needed.
     * Formatting again for the same cluster and node changes nothing, so scripts can run it
     * on every start; formatting for another cluster or node is refused.
     *
     * @return what meta.properties now holds
     * @throws StorageFormatException when the directory belongs to another cluster or node
     * @throws IOException            when the directory or file cannot be written
     */
    public static MetaProperties format(final Path logDir, final String clusterId, final int nodeId) throws IOException
    {
        try
        {
            checkClusterId(clusterId);
        }
        catch (final IllegalArgumentException e)
        {
            throw new StorageFormatException("Cannot format " + logDir + ": cluster id " + e.getMessage()
                + "; expected " + CLUSTER_ID_DESCRIPTION);
        }
        if (nodeId < 0)
        {
            throw new StorageFormatException("Cannot format " + logDir + ": node id " + nodeId + " is negative");
        }
        final Path file = logDir.resolve(META_PROPERTIES);
        if (Files.exists(file))
        {
            final MetaProperties existing = read(logDir);
            if (existing.clusterId().equals(clusterId) && existing.nodeId() == nodeId)
            {
                return existing;
            }
            throw new StorageFormatException("Log directory " + logDir + " is already formatted for cluster.id "
                + existing.clusterId() + ", node.id " + existing.nodeId() + "; refusing to format it for cluster.id "
                + clusterId + ", node.id " + nodeId + " (delete the directory to start it afresh)");
        }
        Files.createDirectories(logDir);
        final MetaProperties meta = new MetaProperties(VERSION, clusterId, nodeId, randomUuid());
        writeAtomically(file, render(meta));
        return meta;
    }

    /**
     * Checks that {@code logDir} is formatted for this node and returns its cluster id.
     *
     * @param expectedClusterId the configured cluster.id, or {@code null} to accept any
     * @throws StorageFormatException when the directory is unformatted, malformed, or belongs
     *                                to another cluster or node
     * @throws IOException            when meta.properties cannot be read
     */
    public static String check(final Path logDir, final String expectedClusterId, final int nodeId) throws IOException
    {
        final Path file = logDir.resolve(META_PROPERTIES);
        if (!Files.exists(file))
        {
            throw new StorageFormatException("Log directory " + logDir + " is not formatted (no " + META_PROPERTIES
                + "): run storage format first (osprey.sh storage format)");
        }
        final MetaProperties meta = read(logDir);
        if (meta.nodeId() != nodeId)
        {
            throw new StorageFormatException(META_PROPERTIES + " in " + logDir + " has node.id " + meta.nodeId()
                + " but this node's node.id is " + nodeId + ": the directory belongs to another node");
        }
        if (expectedClusterId != null && !meta.clusterId().equals(expectedClusterId))
        {
            throw new StorageFormatException(META_PROPERTIES + " in " + logDir + " has cluster.id " + meta.clusterId()
                + " but the configured cluster.id is " + expectedClusterId + ": the directory belongs to another cluster");
        }
        return meta.clusterId();
    }

    /**
     * Checks every log directory and that they all belong to the same cluster.
     *
     * @return the cluster id they share
     * @throws StorageFormatException as {@link #check}, or when two directories disagree
     */
    public static String checkAll(final List<Path> logDirs, final String expectedClusterId, final int nodeId) throws IOException
    {
        String clusterId = null;
        Path first = null;
        for (final Path dir : logDirs)
        {
            final String found = check(dir, expectedClusterId, nodeId);
            if (clusterId == null)
            {
                clusterId = found;
                first = dir;
            }
            else if (!found.equals(clusterId))
            {
                throw new StorageFormatException(META_PROPERTIES + " in " + dir + " has cluster.id " + found
                    + " but " + META_PROPERTIES + " in " + first + " has cluster.id " + clusterId);
            }
        }
        if (clusterId == null)
        {
            throw new StorageFormatException("No log directories to check");
        }
        return clusterId;
    }

    /**
     * Reads {@code logDir/meta.properties}.
     *
     * @throws StorageFormatException when it is missing a key, has another version, or a bad node.id
     */
    public static MetaProperties read(final Path logDir) throws IOException
    {
        final Path file = logDir.resolve(META_PROPERTIES);
        final Properties props = new Properties();
        try (Reader reader = new StringReader(Files.readString(file, StandardCharsets.UTF_8)))
        {
            props.load(reader);
        }
        final String version = props.getProperty(VERSION_KEY);
        if (version == null || !version.trim().equals(Integer.toString(VERSION)))
        {
            throw new StorageFormatException(META_PROPERTIES + " in " + logDir + " has version " + version
                + "; Osprey reads version " + VERSION + " (KRaft-style) only");
        }
        final String clusterId = required(props, CLUSTER_ID_KEY, logDir);
        final String nodeText = required(props, NODE_ID_KEY, logDir);
        final int nodeId;
        try
        {
            nodeId = Integer.parseInt(nodeText);
        }
        catch (final NumberFormatException e)
        {
            throw new StorageFormatException(META_PROPERTIES + " in " + logDir + " has node.id '" + nodeText
                + "', which is not an integer");
        }
        final String directoryId = props.getProperty(DIRECTORY_ID_KEY);
        return new MetaProperties(VERSION, clusterId, nodeId, directoryId == null ? null : directoryId.trim());
    }

    /**
     * Checks a cluster id's form: it goes into a properties file and onto command lines, so it
     * is restricted to the base64url alphabet.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    static String checkClusterId(final String clusterId)
    {
        if (clusterId == null || clusterId.isEmpty())
        {
            throw new IllegalArgumentException("the cluster id is empty");
        }
        if (!clusterId.matches("[A-Za-z0-9_-]+"))
        {
            throw new IllegalArgumentException("'" + clusterId + "' has characters other than letters, digits, '-' and '_'");
        }
        return clusterId;
    }

    private static String required(final Properties props, final String key, final Path logDir)
    {
        final String value = props.getProperty(key);
        if (value == null || value.isBlank())
        {
            throw new StorageFormatException(META_PROPERTIES + " in " + logDir + " has no " + key);
        }
        return value.trim();
    }

    private static String render(final MetaProperties meta)
    {
        // Written by hand rather than Properties.store: stable key order and no timestamp, so two
        // formats of the same directory differ only in directory.id. Values need no escaping:
        // ids are base64url and node.id an integer.
        return "#\n# Written by Osprey storage format. Do not edit: the node checks it at start-up.\n"
            + CLUSTER_ID_KEY + "=" + meta.clusterId() + "\n"
            + DIRECTORY_ID_KEY + "=" + meta.directoryId() + "\n"
            + NODE_ID_KEY + "=" + meta.nodeId() + "\n"
            + VERSION_KEY + "=" + meta.version() + "\n";
    }

    /** Temporary file, fsync, atomic rename, fsync of the directory: a crash leaves no half-written file. */
    private static void writeAtomically(final Path file, final String content) throws IOException
    {
        final Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            final ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining())
            {
                ch.write(bytes);
            }
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ))
        {
            dir.force(true);
        }
        catch (final IOException ignore)
        {
            // Some file systems refuse to open a directory for fsync; the rename is still atomic.
        }
    }
}
