package io.osprey.controller;

import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A topic: its id, its partitions by index and its configs (opaque strings; the controller
 * reads only {@code unclean.leader.election.enable}). Immutable; sorted maps keep iteration
 * order, and with it the records produced, identical on every node.
 */
public record TopicInfo(String name, UUID id, SortedMap<Integer, PartitionInfo> partitions, SortedMap<String, String> configs)
{
    public TopicInfo
    {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(id, "id");
        partitions = Collections.unmodifiableSortedMap(new TreeMap<>(partitions));
        configs = Collections.unmodifiableSortedMap(new TreeMap<>(configs));
    }

    public PartitionInfo partition(final int index)
    {
        return partitions.get(index);
    }

    TopicInfo withPartition(final int index, final PartitionInfo partition)
    {
        final NavigableMap<Integer, PartitionInfo> copy = new TreeMap<>(partitions);
        copy.put(index, partition);
        return new TopicInfo(name, id, copy, configs);
    }

    TopicInfo withConfig(final String key, final String value)
    {
        final Map<String, String> copy = new TreeMap<>(configs);
        if (value == null)
        {
            copy.remove(key);
        }
        else
        {
            copy.put(key, value);
        }
        return new TopicInfo(name, id, partitions, new TreeMap<>(copy));
    }
}
