package io.osprey.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The single-node metadata: topics (name, id, partition count, replication factor, config
 * overrides) and the next producer-id block, persisted in {@code <log.dir>/osprey-metadata}.
 * The controller quorum replaces this store when a cluster runs one.
 * <p>
 * File layout: a Java properties file (ISO-8859-1 with escapes), keys
 * {@code version=1}, {@code producer.id.next.block=<long>},
 * {@code topic/<name>/id=<uuid>}, {@code topic/<name>/partitions=<int>},
 * {@code topic/<name>/replication.factor=<int>}, {@code topic/<name>/config/<key>=<value>}.
 * Topic names cannot contain '/', so the keys are unambiguous. Written atomically (temporary
 * file, fsync, rename).
 * <p>
 * Thread-safety: reads from any thread; changes are synchronized and persisted before they
 * become visible.
 */
public final class MetadataStore
{
    public static final String FILE_NAME = "osprey-metadata";
    /** Producer ids are handed out in blocks; the next block's start is persisted before any id of a block is used. */
    public static final long PRODUCER_ID_BLOCK_SIZE = 1000;

    private final Path file;
    private final Map<String, TopicInfo> topics = new ConcurrentHashMap<>();
    private long nextProducerIdBlock;
    private long nextProducerId;
    private long producerIdBlockEnd;

    public MetadataStore(final Path logDir) throws IOException
    {
        this.file = logDir.resolve(FILE_NAME);
        load();
    }

    private void load() throws IOException
    {
        if (!Files.exists(file))
        {
            return;
        }
        final Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file))
        {
            p.load(in);
        }
        nextProducerIdBlock = Long.parseLong(p.getProperty("producer.id.next.block", "0"));
        final Map<String, Map<String, String>> byTopic = new HashMap<>();
        for (final String key : p.stringPropertyNames())
        {
            if (key.startsWith("topic/"))
            {
                final int slash = key.indexOf('/', 6);
                byTopic.computeIfAbsent(key.substring(6, slash), k -> new HashMap<>()).put(key.substring(slash + 1), p.getProperty(key));
            }
        }
        for (final Map.Entry<String, Map<String, String>> e : byTopic.entrySet())
        {
            final Map<String, String> f = e.getValue();
            final Map<String, String> configs = new HashMap<>();
            for (final Map.Entry<String, String> c : f.entrySet())
            {
                if (c.getKey().startsWith("config/"))
                {
                    configs.put(c.getKey().substring(7), c.getValue());
                }
            }
            topics.put(e.getKey(), new TopicInfo(e.getKey(), UUID.fromString(f.get("id")),
                Integer.parseInt(f.get("partitions")), Short.parseShort(f.get("replication.factor")), configs));
        }
    }

    public TopicInfo topic(final String name)
    {
        return topics.get(name);
    }

    public Collection<TopicInfo> topics()
    {
        return topics.values();
    }

    public synchronized void put(final TopicInfo topic) throws IOException
    {
        final TopicInfo old = topics.put(topic.name(), topic);
        try
        {
            persist();
        }
        catch (final IOException e)
        {
            restore(topic.name(), old);
            throw e;
        }
    }

    public synchronized void remove(final String name) throws IOException
    {
        final TopicInfo old = topics.remove(name);
        try
        {
            persist();
        }
        catch (final IOException e)
        {
            restore(name, old);
            throw e;
        }
    }

    private void restore(final String name, final TopicInfo old)
    {
        if (old == null)
        {
            topics.remove(name);
        }
        else
        {
            topics.put(name, old);
        }
    }

    /** A producer id never handed out before on this node, even across restarts. */
    public synchronized long nextProducerId() throws IOException
    {
        if (nextProducerId >= producerIdBlockEnd)
        {
            final long start = nextProducerIdBlock;
            nextProducerIdBlock = start + PRODUCER_ID_BLOCK_SIZE;
            persist();
            nextProducerId = start;
            producerIdBlockEnd = start + PRODUCER_ID_BLOCK_SIZE;
        }
        return nextProducerId++;
    }

    private void persist() throws IOException
    {
        final Properties p = new Properties();
        p.setProperty("version", "1");
        p.setProperty("producer.id.next.block", Long.toString(nextProducerIdBlock));
        for (final TopicInfo t : topics.values())
        {
            final String prefix = "topic/" + t.name() + "/";
            p.setProperty(prefix + "id", t.id().toString());
            p.setProperty(prefix + "partitions", Integer.toString(t.partitions()));
            p.setProperty(prefix + "replication.factor", Short.toString(t.replicationFactor()));
            for (final Map.Entry<String, String> c : new TreeMap<>(t.configs()).entrySet())
            {
                p.setProperty(prefix + "config/" + c.getKey(), c.getValue());
            }
        }
        final StringWriter out = new StringWriter();
        p.store(out, "Osprey single-node metadata; written by the broker, do not edit while it runs");
        final Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            ch.write(java.nio.ByteBuffer.wrap(out.toString().getBytes(StandardCharsets.ISO_8859_1)));
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
