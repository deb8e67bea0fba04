package io.osprey.protocol.message;

import java.util.List;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * DescribeLogDirs response (key 35), v1-4, flexible from v2:
 * {@code throttleTimeMs int32, errorCode int16 (v3+), results [errorCode int16, logDir string,
 * topics [name string, partitions [partitionIndex int32, partitionSize int64, offsetLag int64,
 * isFutureKey bool]], totalBytes int64 (v4+), usableBytes int64 (v4+)]}. Fields a version lacks
 * read as 0 (error) and -1 (bytes), Kafka's defaults.
 */
public record DescribeLogDirsResponse(int throttleTimeMs, short errorCode, List<DescribeLogDirsResult> results) implements Message
{
    /** Unknown volume sizes (and what versions before 4 read as). */
    public static final long UNKNOWN_BYTES = -1L;

    /** One log directory of the broker. */
    public record DescribeLogDirsResult(short errorCode, String logDir, List<DescribeLogDirsTopic> topics, long totalBytes,
        long usableBytes)
    {
        public static DescribeLogDirsResult read(final ProtocolReader r, final short version)
        {
            final short errorCode = r.readShort();
            final String logDir = r.readString();
            final List<DescribeLogDirsTopic> topics = ArrayFields.read(r, e -> DescribeLogDirsTopic.read(e, version));
            final long totalBytes = version >= 4 ? r.readLong() : UNKNOWN_BYTES;
            final long usableBytes = version >= 4 ? r.readLong() : UNKNOWN_BYTES;
            r.skipTaggedFields();
            return new DescribeLogDirsResult(errorCode, logDir, topics, totalBytes, usableBytes);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeShort(errorCode);
            w.writeString(logDir);
            ArrayFields.write(w, topics, (o, t) -> t.write(o, version));
            if (version >= 4)
            {
                w.writeLong(totalBytes);
                w.writeLong(usableBytes);
            }
            w.writeEmptyTaggedFields();
        }
    }

    /** The partitions of one topic in a log directory. */
    public record DescribeLogDirsTopic(String name, List<DescribeLogDirsPartition> partitions)
    {
        public static DescribeLogDirsTopic read(final ProtocolReader r, final short version)
        {
            final String name = r.readString();
            final List<DescribeLogDirsPartition> partitions = ArrayFields.read(r, e -> DescribeLogDirsPartition.read(e, version));
            r.skipTaggedFields();
            return new DescribeLogDirsTopic(name, partitions);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeString(name);
            ArrayFields.write(w, partitions, (o, p) -> p.write(o, version));
            w.writeEmptyTaggedFields();
        }
    }

    /** One partition's log: its size, how far its end is below the high watermark, and whether it is a future (moving) log. */
    public record DescribeLogDirsPartition(int partitionIndex, long partitionSize, long offsetLag, boolean isFutureKey)
    {
        public static DescribeLogDirsPartition read(final ProtocolReader r, final short version)
        {
            final int partitionIndex = r.readInt();
            final long partitionSize = r.readLong();
            final long offsetLag = r.readLong();
            final boolean isFutureKey = r.readBoolean();
            r.skipTaggedFields();
            return new DescribeLogDirsPartition(partitionIndex, partitionSize, offsetLag, isFutureKey);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeInt(partitionIndex);
            w.writeLong(partitionSize);
            w.writeLong(offsetLag);
            w.writeBoolean(isFutureKey);
            w.writeEmptyTaggedFields();
        }
    }

    public static DescribeLogDirsResponse read(final ProtocolReader r, final short version)
    {
        final int throttleTimeMs = r.readInt();
        final short errorCode = version >= 3 ? r.readShort() : 0;
        final List<DescribeLogDirsResult> results = ArrayFields.read(r, e -> DescribeLogDirsResult.read(e, version));
        r.skipTaggedFields();
        return new DescribeLogDirsResponse(throttleTimeMs, errorCode, results);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        w.writeInt(throttleTimeMs);
        if (version >= 3)
        {
            w.writeShort(errorCode);
        }
        ArrayFields.write(w, results, (o, t) -> t.write(o, version));
        w.writeEmptyTaggedFields();
    }
}
