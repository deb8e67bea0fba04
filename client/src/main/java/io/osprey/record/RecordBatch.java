package io.osprey.record;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * A flyweight view of one Kafka RecordBatch v2 (magic 2) header inside a {@link ByteBuffer}.
 * <p>
 * Layout, big-endian, offsets from the start of the batch:
 * <pre>
 *   0 baseOffset int64            (outside the CRC, written by the leader)
 *   8 batchLength int32           (bytes after this field: whole batch = batchLength + 12)
 *  12 partitionLeaderEpoch int32  (outside the CRC, written by the leader)
 *  16 magic int8                  (2)
 *  17 crc uint32                  (CRC-32C of bytes 21..end)
 *  21 attributes int16            (bits 0-2 codec, 3 timestamp type, 4 transactional, 5 control, 6 delete horizon)
 *  23 lastOffsetDelta int32
 *  27 baseTimestamp int64
 *  35 maxTimestamp int64
 *  43 producerId int64
 *  51 producerEpoch int16
 *  53 baseSequence int32
 *  57 recordsCount int32
 *  61 records                     (one compressed blob when the codec is not none)
 * </pre>
 * The view reads the buffer with absolute gets only, so it never moves the buffer's position
 * and the same buffer may be shared by several views. Not thread-safe: one view per thread,
 * reused across batches with {@link #wrap(ByteBuffer, int)} so that iterating allocates nothing.
 */
public final class RecordBatch
{
    public static final int BASE_OFFSET_OFFSET = 0;
    public static final int BATCH_LENGTH_OFFSET = 8;
    public static final int PARTITION_LEADER_EPOCH_OFFSET = 12;
    public static final int MAGIC_OFFSET = 16;
    public static final int CRC_OFFSET = 17;
    public static final int ATTRIBUTES_OFFSET = 21;
    public static final int LAST_OFFSET_DELTA_OFFSET = 23;
    public static final int BASE_TIMESTAMP_OFFSET = 27;
    public static final int MAX_TIMESTAMP_OFFSET = 35;
    public static final int PRODUCER_ID_OFFSET = 43;
    public static final int PRODUCER_EPOCH_OFFSET = 51;
    public static final int BASE_SEQUENCE_OFFSET = 53;
    public static final int RECORDS_COUNT_OFFSET = 57;
    public static final int RECORDS_OFFSET = 61;

    /** Size of the batch header; also the size of a batch with no records. */
    public static final int HEADER_SIZE = RECORDS_OFFSET;
    /** baseOffset and batchLength precede the part that batchLength counts. */
    public static final int LOG_OVERHEAD = 12;
    public static final byte MAGIC = 2;

    public static final int COMPRESSION_CODEC_MASK = 0x07;
    public static final int TIMESTAMP_TYPE_MASK = 0x08;
    public static final int TRANSACTIONAL_FLAG_MASK = 0x10;
    public static final int CONTROL_FLAG_MASK = 0x20;
    public static final int DELETE_HORIZON_FLAG_MASK = 0x40;

    public static final long NO_PRODUCER_ID = -1L;
    public static final short NO_PRODUCER_EPOCH = -1;
    public static final int NO_SEQUENCE = -1;
    public static final int NO_PARTITION_LEADER_EPOCH = -1;
    public static final long NO_TIMESTAMP = -1L;

    private final CRC32C crc = new CRC32C();
    private ByteBuffer buffer;
    private int offset;

    public RecordBatch()
    {
    }

    public RecordBatch(final ByteBuffer buffer, final int offset)
    {
        wrap(buffer, offset);
    }

    /** Points this view at the batch starting at {@code offset}; nothing is checked here. */
    public RecordBatch wrap(final ByteBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public ByteBuffer buffer()
    {
        return buffer;
    }

    /** Where the batch starts in {@link #buffer()}. */
    public int offset()
    {
        return offset;
    }

    public long baseOffset()
    {
        return buffer.getLong(offset + BASE_OFFSET_OFFSET);
    }

    public int batchLength()
    {
        return buffer.getInt(offset + BATCH_LENGTH_OFFSET);
    }

    /** Whole size of the batch: {@code batchLength + 12}. */
    public int sizeInBytes()
    {
        return batchLength() + LOG_OVERHEAD;
    }

    public int partitionLeaderEpoch()
    {
        return buffer.getInt(offset + PARTITION_LEADER_EPOCH_OFFSET);
    }

    public byte magic()
    {
        return buffer.get(offset + MAGIC_OFFSET);
    }

    /** The stored CRC as an unsigned 32-bit value. */
    public long checksum()
    {
        return buffer.getInt(offset + CRC_OFFSET) & 0xFFFF_FFFFL;
    }

    public short attributes()
    {
        return buffer.getShort(offset + ATTRIBUTES_OFFSET);
    }

    public Compression compression()
    {
        return Compression.forId(attributes() & COMPRESSION_CODEC_MASK);
    }

    public boolean isLogAppendTime()
    {
        return (attributes() & TIMESTAMP_TYPE_MASK) != 0;
    }

    public boolean isTransactional()
    {
        return (attributes() & TRANSACTIONAL_FLAG_MASK) != 0;
    }

    public boolean isControlBatch()
    {
        return (attributes() & CONTROL_FLAG_MASK) != 0;
    }

    public int lastOffsetDelta()
    {
        return buffer.getInt(offset + LAST_OFFSET_DELTA_OFFSET);
    }

    public long lastOffset()
    {
        return baseOffset() + lastOffsetDelta();
    }

    /** Offset just past this batch: where the next batch's offsets begin. */
    public long nextOffset()
    {
        return lastOffset() + 1;
    }

    /**
     * The base of the records' timestamp deltas: a record's create time is {@code baseTimestamp +
     * timestampDelta}, whatever the attributes. Normally the first record's timestamp; in a batch
     * with the {@linkplain #hasDeleteHorizon() delete horizon} flag, the delete horizon (the log
     * cleaner rewrote the deltas against it), as in Kafka's {@code DefaultRecordBatch}.
     */
    public long baseTimestamp()
    {
        return buffer.getLong(offset + BASE_TIMESTAMP_OFFSET);
    }

    /**
     * Attributes bit 6 (KIP-534): the log cleaner has retained this batch's tombstones once and
     * stored in the base timestamp the time from which it may remove them.
     */
    public boolean hasDeleteHorizon()
    {
        return (attributes() & DELETE_HORIZON_FLAG_MASK) != 0;
    }

    /** The delete horizon (the base timestamp) when the flag is set, else {@link #NO_TIMESTAMP}. */
    public long deleteHorizonMs()
    {
        return hasDeleteHorizon() ? baseTimestamp() : NO_TIMESTAMP;
    }

    public long maxTimestamp()
    {
        return buffer.getLong(offset + MAX_TIMESTAMP_OFFSET);
    }

    public long producerId()
    {
        return buffer.getLong(offset + PRODUCER_ID_OFFSET);
    }

    public short producerEpoch()
    {
        return buffer.getShort(offset + PRODUCER_EPOCH_OFFSET);
    }

    public int baseSequence()
    {
        return buffer.getInt(offset + BASE_SEQUENCE_OFFSET);
    }

    /** Sequence of the last record; sequences wrap from {@code Integer.MAX_VALUE} to 0. */
    public int lastSequence()
    {
        final int base = baseSequence();
        if (base == NO_SEQUENCE)
        {
            return NO_SEQUENCE;
        }
        return incrementSequence(base, lastOffsetDelta());
    }

    public int recordCount()
    {
        return buffer.getInt(offset + RECORDS_COUNT_OFFSET);
    }

    public boolean hasProducerId()
    {
        return producerId() != NO_PRODUCER_ID;
    }

    /** Leader path: offsets are assigned by patching the field, which lies outside the CRC. */
    public void setBaseOffset(final long baseOffset)
    {
        buffer.putLong(offset + BASE_OFFSET_OFFSET, baseOffset);
    }

    public void setPartitionLeaderEpoch(final int epoch)
    {
        buffer.putInt(offset + PARTITION_LEADER_EPOCH_OFFSET, epoch);
    }

    /** CRC-32C over {@code attributes..end} as the batch's bytes stand now. */
    public long computeChecksum()
    {
        crc.reset();
        return checksumInto(crc, buffer, offset, sizeInBytes());
    }

    public boolean isChecksumValid()
    {
        return checksum() == computeChecksum();
    }

    /** Writes the CRC for the bytes as they stand: used by the builder and by log-append-time rewrites. */
    public void updateChecksum()
    {
        buffer.putInt(offset + CRC_OFFSET, (int)computeChecksum());
    }

    public static long computeChecksum(final ByteBuffer buffer, final int batchOffset, final int sizeInBytes)
    {
        return checksumInto(new CRC32C(), buffer, batchOffset, sizeInBytes);
    }

    private static long checksumInto(final CRC32C crc, final ByteBuffer buffer, final int batchOffset, final int sizeInBytes)
    {
        final ByteBuffer view = buffer.duplicate();
        view.limit(batchOffset + sizeInBytes).position(batchOffset + ATTRIBUTES_OFFSET);
        crc.update(view);
        return crc.getValue();
    }

    public static int incrementSequence(final int sequence, final int increment)
    {
        if (sequence > Integer.MAX_VALUE - increment)
        {
            return increment - (Integer.MAX_VALUE - sequence) - 1;
        }
        return sequence + increment;
    }

    @Override
    public String toString()
    {
        return "RecordBatch{baseOffset=" + baseOffset() +
            ", lastOffset=" + lastOffset() +
            ", size=" + sizeInBytes() +
            ", magic=" + magic() +
            ", compression=" + compression() +
            ", leaderEpoch=" + partitionLeaderEpoch() +
            ", producerId=" + producerId() +
            ", producerEpoch=" + producerEpoch() +
            ", baseSequence=" + baseSequence() +
            ", records=" + recordCount() +
            ", maxTimestamp=" + maxTimestamp() + '}';
    }
}
