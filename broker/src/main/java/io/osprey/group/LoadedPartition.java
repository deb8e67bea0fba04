package io.osprey.group;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

import io.osprey.common.TopicPartition;

/**
 * The state one {@code __consumer_offsets} partition holds, rebuilt by replaying its records in
 * log order: the last value per key wins and a tombstone removes the key, exactly what
 * compaction keeps. Records of types Osprey does not write are skipped.
 * <p>
 * Not thread-safe: filled by the loader, then handed to the coordinator thread.
 */
public final class LoadedPartition
{
    final Map<String, GroupMetadataSnapshot> groups = new HashMap<>();
    final Map<String, Map<TopicPartition, CommittedOffset>> offsets = new HashMap<>();
    long records;
    long skipped;

    /**
     * Applies one record.
     *
     * @param value null for a tombstone
     * @throws IllegalArgumentException when the key or value is malformed
     */
    public void replay(final byte[] key, final byte[] value)
    {
        records++;
        final OffsetsTopicFormat.Key k = OffsetsTopicFormat.decodeKey(ByteBuffer.wrap(key));
        if (k instanceof OffsetsTopicFormat.OffsetKey o)
        {
            if (value == null)
            {
                final Map<TopicPartition, CommittedOffset> m = offsets.get(o.group());
                if (m != null)
                {
                    m.remove(o.topicPartition());
                    if (m.isEmpty())
                    {
                        offsets.remove(o.group());
                    }
                }
            }
            else
            {
                offsets.computeIfAbsent(o.group(), g -> new HashMap<>())
                    .put(o.topicPartition(), OffsetsTopicFormat.decodeOffsetValue(ByteBuffer.wrap(value)));
            }
        }
        else if (k instanceof OffsetsTopicFormat.GroupKey g)
        {
            if (value == null)
            {
                groups.remove(g.group());
            }
            else
            {
                groups.put(g.group(), OffsetsTopicFormat.decodeGroupValue(ByteBuffer.wrap(value)));
            }
        }
        else
        {
            skipped++;
        }
    }

    public int groupCount()
    {
        final java.util.Set<String> all = new java.util.HashSet<>(groups.keySet());
        all.addAll(offsets.keySet());
        return all.size();
    }

    public long recordCount()
    {
        return records;
    }
}
