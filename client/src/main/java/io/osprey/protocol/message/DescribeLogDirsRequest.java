package io.osprey.protocol.message;

import java.util.List;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * DescribeLogDirs request (key 35), v1-4, flexible from v2:
 * {@code topics nullable [topic string, partitions [int32]]}; null asks for every partition the
 * broker holds. Each broker answers for its own log directories.
 */
public record DescribeLogDirsRequest(List<DescribableLogDirTopic> topics) implements Message
{
    /** The partitions of one topic to describe. */
    public record DescribableLogDirTopic(String topic, List<Integer> partitions)
    {
        public static DescribableLogDirTopic read(final ProtocolReader r, final short version)
        {
            final String topic = r.readString();
            final List<Integer> partitions = ArrayFields.readInt32s(r);
            r.skipTaggedFields();
            return new DescribableLogDirTopic(topic, partitions);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeString(topic);
            ArrayFields.writeInt32s(w, partitions);
            w.writeEmptyTaggedFields();
        }
    }

    public static DescribeLogDirsRequest read(final ProtocolReader r, final short version)
    {
        final List<DescribableLogDirTopic> topics = ArrayFields.readNullable(r, e -> DescribableLogDirTopic.read(e, version));
        r.skipTaggedFields();
        return new DescribeLogDirsRequest(topics);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        ArrayFields.writeNullable(w, topics, (o, t) -> t.write(o, version));
        w.writeEmptyTaggedFields();
    }
}
