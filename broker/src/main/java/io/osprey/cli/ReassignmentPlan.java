package io.osprey.cli;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.osprey.common.TopicPartition;

/**
 * A reassignment plan: the replica list each partition should end up with, preferred leader
 * first. Its file is Kafka's reassignment JSON, so plans made by {@code kafka-reassign-partitions.sh}
 * work here and the other way round:
 * <pre>
 * {"version":1,"partitions":[{"topic":"orders","partition":0,"replicas":[2,3]}, ...]}
 * </pre>
 * ({@code log_dirs} and unknown fields are accepted and ignored; Osprey has one log directory).
 * Immutable.
 */
record ReassignmentPlan(Map<TopicPartition, List<Integer>> targets)
{
    ReassignmentPlan
    {
        targets = Collections.unmodifiableMap(new LinkedHashMap<>(targets));
    }

    /** Reads a plan, naming what is wrong with it in the exception's message. */
    static ReassignmentPlan parse(final String json) throws CliException
    {
        final Object root;
        try
        {
            root = Json.parse(json);
        }
        catch (final IllegalArgumentException e)
        {
            throw new CliException("The plan is not valid JSON: " + e.getMessage());
        }
        if (!(root instanceof Map<?, ?> top) || !(top.get("partitions") instanceof List<?> partitions))
        {
            throw new CliException("The plan must be an object with a \"partitions\" array");
        }
        final Object version = top.get("version");
        if (version != null && !Long.valueOf(1).equals(version))
        {
            throw new CliException("Unsupported plan version " + version + "; version 1 is understood");
        }
        final Map<TopicPartition, List<Integer>> targets = new LinkedHashMap<>();
        for (final Object o : partitions)
        {
            if (!(o instanceof Map<?, ?> entry) || !(entry.get("topic") instanceof String topic)
                || !(entry.get("partition") instanceof Long partition) || !(entry.get("replicas") instanceof List<?> replicas))
            {
                throw new CliException("Each plan entry needs \"topic\" (string), \"partition\" (number) and \"replicas\" (array): " + o);
            }
            final List<Integer> ids = new ArrayList<>();
            final Set<Integer> seen = new HashSet<>();
            for (final Object r : replicas)
            {
                if (!(r instanceof Long id) || id < 0 || id > Integer.MAX_VALUE || !seen.add((int)(long)id))
                {
                    throw new CliException("Partition " + topic + "-" + partition + " has a bad replica list " + replicas
                        + ": broker ids are distinct non-negative numbers");
                }
                ids.add((int)(long)id);
            }
            if (ids.isEmpty())
            {
                throw new CliException("Partition " + topic + "-" + partition + " has an empty replica list");
            }
            final TopicPartition tp = new TopicPartition(topic, (int)(long)partition);
            if (targets.put(tp, List.copyOf(ids)) != null)
            {
                throw new CliException("Partition " + tp + " appears twice in the plan");
            }
        }
        return new ReassignmentPlan(targets);
    }

    /** The plan as Kafka's reassignment JSON, on one line. */
    String toJson()
    {
        final StringBuilder b = new StringBuilder("{\"version\":1,\"partitions\":[");
        boolean first = true;
        for (final Map.Entry<TopicPartition, List<Integer>> e : targets.entrySet())
        {
            b.append(first ? "" : ",").append("{\"topic\":").append(GroupCommand.jsonString(e.getKey().topic()))
                .append(",\"partition\":").append(e.getKey().partition()).append(",\"replicas\":").append(ids(e.getValue())).append('}');
            first = false;
        }
        return b.append("]}").toString();
    }

    static String ids(final List<Integer> ids)
    {
        final StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < ids.size(); i++)
        {
            b.append(i == 0 ? "" : ",").append(ids.get(i));
        }
        return b.append(']').toString();
    }

    /** The topics the plan names, in plan order. */
    Set<String> topics()
    {
        final Set<String> topics = new java.util.LinkedHashSet<>();
        targets.keySet().forEach(tp -> topics.add(tp.topic()));
        return topics;
    }
}
