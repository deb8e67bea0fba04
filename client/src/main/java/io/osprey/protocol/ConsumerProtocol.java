package io.osprey.protocol;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.osprey.common.TopicPartition;

/**
 * The embedded "consumer" protocol: the bytes a consumer puts in JoinGroup's protocol
 * metadata (a {@link Subscription}) and the leader puts in SyncGroup's assignments (an
 * {@link Assignment}). Byte-identical with Kafka's {@code ConsumerProtocol}.
 * <p>
 * Layout (big-endian, never flexible): an int16 version header, then the message.
 * <pre>
 * Subscription v0: topics [string], user_data nullable bytes
 *              v1: + owned_partitions [topic string, partitions [int32]]
 *              v2: + generation_id int32 (-1 when none)
 *              v3: + rack_id nullable string
 * Assignment v0-v3: assigned_partitions [topic string, partitions [int32]], user_data nullable bytes
 * </pre>
 * Newer versions only append fields, so a buffer with a version above the highest known is
 * read as the highest known version and the trailing bytes are ignored (Kafka does the same).
 * Writing at an older version silently drops the fields that version lacks, as Kafka's
 * "ignorable" fields do. Serialization sorts topics and owned partitions (as Kafka does) and
 * groups assigned partitions by topic in first-appearance order.
 * <p>
 * Stateless and thread-safe.
 */
public final class ConsumerProtocol
{
    /** The protocol type in JoinGroup requests of consumers. */
    public static final String PROTOCOL_TYPE = "consumer";
    /** Highest subscription version this code writes and reads. */
    public static final short SUBSCRIPTION_VERSION_MAX = 3;
    /** Highest assignment version this code writes and reads. */
    public static final short ASSIGNMENT_VERSION_MAX = 3;
    /** Generation id of a subscription that carries none (versions below 2). */
    public static final int NO_GENERATION = -1;

    private static final Comparator<TopicPartition> TOPIC_PARTITION_ORDER =
        Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    private ConsumerProtocol()
    {
    }

    /**
     * A member's subscription as sent in JoinGroup. Immutable; user data is a read-only view.
     * The member's {@code group.instance.id} is not part of the wire format (the leader learns it
     * from the JoinGroup response), so it is not part of equality either, as in Kafka.
     */
    public static final class Subscription
    {
        private final List<String> topics;
        private final ByteBuffer userData;
        private final List<TopicPartition> ownedPartitions;
        private final int generationId;
        private final Optional<String> rackId;
        private final Optional<String> groupInstanceId;

        /**
         * @param topics          subscribed topics
         * @param userData        assignor-specific bytes, or null
         * @param ownedPartitions partitions the member owns now (cooperative protocol)
         * @param generationId    generation in which it got them, or {@link #NO_GENERATION}
         * @param rackId          the member's rack, if any
         * @param groupInstanceId the member's {@code group.instance.id} (static membership), if any
         */
        public Subscription(
            final Collection<String> topics,
            final ByteBuffer userData,
            final Collection<TopicPartition> ownedPartitions,
            final int generationId,
            final Optional<String> rackId,
            final Optional<String> groupInstanceId)
        {
            this.topics = List.copyOf(topics);
            this.userData = userData == null ? null : userData.asReadOnlyBuffer();
            this.ownedPartitions = List.copyOf(ownedPartitions);
            this.generationId = generationId < 0 ? NO_GENERATION : generationId;
            this.rackId = Objects.requireNonNull(rackId, "rackId");
            this.groupInstanceId = Objects.requireNonNull(groupInstanceId, "groupInstanceId");
        }

        public Subscription(
            final Collection<String> topics,
            final ByteBuffer userData,
            final Collection<TopicPartition> ownedPartitions,
            final int generationId,
            final Optional<String> rackId)
        {
            this(topics, userData, ownedPartitions, generationId, rackId, Optional.empty());
        }

        public Subscription(final Collection<String> topics, final ByteBuffer userData, final Collection<TopicPartition> ownedPartitions)
        {
            this(topics, userData, ownedPartitions, NO_GENERATION, Optional.empty());
        }

        public Subscription(final Collection<String> topics)
        {
            this(topics, null, List.of());
        }

        public List<String> topics()
        {
            return topics;
        }

        /** A fresh read-only view of the user data (its own position), or null. */
        public ByteBuffer userData()
        {
            return userData == null ? null : userData.duplicate();
        }

        public List<TopicPartition> ownedPartitions()
        {
            return ownedPartitions;
        }

        /** The generation the owned partitions belong to, or {@link #NO_GENERATION}. */
        public int generationId()
        {
            return generationId;
        }

        public Optional<String> rackId()
        {
            return rackId;
        }

        /** The member's {@code group.instance.id}, as the JoinGroup response names it (empty for a dynamic member). */
        public Optional<String> groupInstanceId()
        {
            return groupInstanceId;
        }

        /** This subscription of the member with {@code instanceId} (null for a dynamic member). */
        public Subscription withGroupInstanceId(final String instanceId)
        {
            return new Subscription(topics, userData, ownedPartitions, generationId, rackId, Optional.ofNullable(instanceId));
        }

        @Override
        public boolean equals(final Object o)
        {
            return o instanceof Subscription s &&
                topics.equals(s.topics) &&
                Objects.equals(userData, s.userData) &&
                ownedPartitions.equals(s.ownedPartitions) &&
                generationId == s.generationId &&
                rackId.equals(s.rackId);
        }

        @Override
        public int hashCode()
        {
            return Objects.hash(topics, userData, ownedPartitions, generationId, rackId);
        }

        @Override
        public String toString()
        {
            return "Subscription(topics=" + topics +
                ", ownedPartitions=" + ownedPartitions +
                ", generationId=" + generationId +
                ", rackId=" + rackId.orElse("none") +
                ", groupInstanceId=" + groupInstanceId.orElse("none") +
                ", userDataBytes=" + (userData == null ? "null" : userData.remaining()) + ")";
        }
    }

    /** The partitions the leader gave one member, as carried by SyncGroup. Immutable. */
    public static final class Assignment
    {
        private final List<TopicPartition> partitions;
        private final ByteBuffer userData;

        public Assignment(final Collection<TopicPartition> partitions, final ByteBuffer userData)
        {
            this.partitions = List.copyOf(partitions);
            this.userData = userData == null ? null : userData.asReadOnlyBuffer();
        }

        public Assignment(final Collection<TopicPartition> partitions)
        {
            this(partitions, null);
        }

        public List<TopicPartition> partitions()
        {
            return partitions;
        }

        /** A fresh read-only view of the user data (its own position), or null. */
        public ByteBuffer userData()
        {
            return userData == null ? null : userData.duplicate();
        }

        @Override
        public boolean equals(final Object o)
        {
            return o instanceof Assignment a && partitions.equals(a.partitions) && Objects.equals(userData, a.userData);
        }

        @Override
        public int hashCode()
        {
            return Objects.hash(partitions, userData);
        }

        @Override
        public String toString()
        {
            return "Assignment(partitions=" + partitions +
                ", userDataBytes=" + (userData == null ? "null" : userData.remaining()) + ")";
        }
    }

    /** Serializes at the highest version. */
    public static ByteBuffer serializeSubscription(final Subscription subscription)
    {
        return serializeSubscription(subscription, SUBSCRIPTION_VERSION_MAX);
    }

    /** Serializes at {@code version}, capped at {@link #SUBSCRIPTION_VERSION_MAX}. */
    public static ByteBuffer serializeSubscription(final Subscription subscription, final short version)
    {
        final short v = checkVersion(version, SUBSCRIPTION_VERSION_MAX);
        final ProtocolWriter w = new ProtocolWriter(64);
        w.writeShort(v);
        final List<String> topics = new ArrayList<>(subscription.topics());
        topics.sort(Comparator.naturalOrder());
        w.writeArrayLength(topics.size());
        for (final String topic : topics)
        {
            w.writeString(topic);
        }
        writeUserData(w, subscription.userData);
        if (v >= 1)
        {
            final List<TopicPartition> owned = new ArrayList<>(subscription.ownedPartitions());
            owned.sort(TOPIC_PARTITION_ORDER);
            writeTopicPartitions(w, owned);
        }
        if (v >= 2)
        {
            w.writeInt(subscription.generationId());
        }
        if (v >= 3)
        {
            w.writeNullableString(subscription.rackId().orElse(null));
        }
        return w.toByteBuffer();
    }

    /** Reads the version header and the subscription after it. */
    public static Subscription deserializeSubscription(final ByteBuffer buffer)
    {
        return deserializeSubscription(buffer, deserializeVersion(buffer));
    }

    /** Reads a subscription body (no header) of {@code version}; newer versions are read as the highest known. */
    public static Subscription deserializeSubscription(final ByteBuffer buffer, final short version)
    {
        final short v = checkVersion(version, SUBSCRIPTION_VERSION_MAX);
        final ProtocolReader r = new ProtocolReader(buffer, false);
        final int topicCount = nonNullArray(r, "topics");
        final List<String> topics = new ArrayList<>(topicCount);
        for (int i = 0; i < topicCount; i++)
        {
            topics.add(r.readString());
        }
        final ByteBuffer userData = readUserData(r);
        final List<TopicPartition> owned = v >= 1 ? readTopicPartitions(r, "owned_partitions") : List.of();
        final int generationId = v >= 2 ? r.readInt() : NO_GENERATION;
        final String rack = v >= 3 ? r.readNullableString() : null;
        final Optional<String> rackId = rack == null || rack.isEmpty() ? Optional.empty() : Optional.of(rack);
        return new Subscription(topics, userData, owned, generationId, rackId);
    }

    /** Serializes at the highest version. */
    public static ByteBuffer serializeAssignment(final Assignment assignment)
    {
        return serializeAssignment(assignment, ASSIGNMENT_VERSION_MAX);
    }

    /** Serializes at {@code version}, capped at {@link #ASSIGNMENT_VERSION_MAX}. */
    public static ByteBuffer serializeAssignment(final Assignment assignment, final short version)
    {
        final short v = checkVersion(version, ASSIGNMENT_VERSION_MAX);
        final ProtocolWriter w = new ProtocolWriter(64);
        w.writeShort(v);
        writeTopicPartitions(w, assignment.partitions());
        writeUserData(w, assignment.userData);
        return w.toByteBuffer();
    }

    /** Reads the version header and the assignment after it. */
    public static Assignment deserializeAssignment(final ByteBuffer buffer)
    {
        return deserializeAssignment(buffer, deserializeVersion(buffer));
    }

    /** Reads an assignment body (no header) of {@code version}; newer versions are read as the highest known. */
    public static Assignment deserializeAssignment(final ByteBuffer buffer, final short version)
    {
        checkVersion(version, ASSIGNMENT_VERSION_MAX);
        final ProtocolReader r = new ProtocolReader(buffer, false);
        final List<TopicPartition> partitions = readTopicPartitions(r, "assigned_partitions");
        return new Assignment(partitions, readUserData(r));
    }

    /** Reads the int16 version header. */
    public static short deserializeVersion(final ByteBuffer buffer)
    {
        if (buffer.remaining() < Short.BYTES)
        {
            throw new ProtocolException("Consumer protocol header truncated: " + buffer.remaining() + " bytes");
        }
        return buffer.getShort();
    }

    private static short checkVersion(final short version, final short max)
    {
        if (version < 0)
        {
            throw new ProtocolException("Negative consumer protocol version " + version);
        }
        return version > max ? max : version;
    }

    private static int nonNullArray(final ProtocolReader r, final String field)
    {
        final int n = r.readArrayLength();
        if (n < 0)
        {
            throw new ProtocolException("Non-nullable field " + field + " was serialized as null");
        }
        return n;
    }

    private static void writeUserData(final ProtocolWriter w, final ByteBuffer userData)
    {
        if (userData == null)
        {
            w.writeArrayLength(-1);
            return;
        }
        w.writeInt(userData.remaining());
        w.writeRaw(userData);
    }

    private static ByteBuffer readUserData(final ProtocolReader r)
    {
        final byte[] bytes = r.readNullableBytes();
        return bytes == null ? null : ByteBuffer.wrap(bytes);
    }

    /** Groups by topic in first-appearance order, as Kafka's map-keyed collection does. */
    private static void writeTopicPartitions(final ProtocolWriter w, final List<TopicPartition> partitions)
    {
        final Map<String, List<Integer>> byTopic = new LinkedHashMap<>();
        for (final TopicPartition tp : partitions)
        {
            byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition());
        }
        w.writeArrayLength(byTopic.size());
        for (final Map.Entry<String, List<Integer>> e : byTopic.entrySet())
        {
            w.writeString(e.getKey());
            w.writeArrayLength(e.getValue().size());
            for (final int p : e.getValue())
            {
                w.writeInt(p);
            }
        }
    }

    private static List<TopicPartition> readTopicPartitions(final ProtocolReader r, final String field)
    {
        final int topicCount = nonNullArray(r, field);
        final List<TopicPartition> out = new ArrayList<>();
        for (int i = 0; i < topicCount; i++)
        {
            final String topic = r.readString();
            final int partitionCount = nonNullArray(r, field + ".partitions");
            for (int j = 0; j < partitionCount; j++)
            {
                out.add(new TopicPartition(topic, r.readInt()));
            }
        }
        return out;
    }
}
