package io.osprey.record;

import java.nio.ByteBuffer;
import java.util.NoSuchElementException;

/**
 * Walks the batches laid end to end in one buffer, such as a partition's records in a fetch
 * response or a log segment, handing out one reused {@link RecordBatch} view.
 * <p>
 * Each batch is framed by its {@code baseOffset int64, batchLength int32} prefix. A trailing
 * batch that the buffer cuts short is not returned: fetch responses may end with one, and Kafka's
 * consumer drops it silently. A batch length too small for any batch header is corruption and
 * throws {@link CorruptRecordException}. Batches are returned whatever their magic and without a
 * CRC check; {@link RecordBatchReader#wrap} checks the magic. The buffer's position and limit are
 * never changed. Not thread-safe; allocates nothing.
 */
public final class RecordBatchIterator
{
    /** Bytes up to and including the magic, the least needed to frame a batch of any version. */
    private static final int FRAME_PREFIX = RecordBatch.MAGIC_OFFSET + 1;
    /** The smallest batch Kafka accepts is a magic 0 message: 14 bytes after the length field. */
    private static final int MIN_BATCH_LENGTH = 14;

    private final RecordBatch batch = new RecordBatch();
    private ByteBuffer buffer;
    private int position;
    private int limit;

    /** Iterates from the buffer's position to its limit. */
    public RecordBatchIterator wrap(final ByteBuffer buffer)
    {
        return wrap(buffer, buffer.position(), buffer.remaining());
    }

    /** Iterates {@code length} bytes from {@code offset}. */
    public RecordBatchIterator wrap(final ByteBuffer buffer, final int offset, final int length)
    {
        if (offset < 0 || length < 0 || offset > buffer.limit() - length)
        {
            throw new IndexOutOfBoundsException("range " + offset + "+" + length + " outside a buffer of " + buffer.limit() + " bytes");
        }
        this.buffer = buffer;
        this.position = offset;
        this.limit = offset + length;
        return this;
    }

    /** True when a whole batch starts at {@link #position()}. */
    public boolean hasNext()
    {
        if (buffer == null || limit - position < FRAME_PREFIX)
        {
            return false;
        }
        final int batchLength = buffer.getInt(position + RecordBatch.BATCH_LENGTH_OFFSET);
        if (batchLength < MIN_BATCH_LENGTH)
        {
            throw new CorruptRecordException("batch length " + batchLength + " at " + position + " is smaller than any batch");
        }
        return batchLength <= limit - position - RecordBatch.LOG_OVERHEAD;
    }

    /** The next whole batch, in the view that every call returns. */
    public RecordBatch next()
    {
        if (!hasNext())
        {
            throw new NoSuchElementException();
        }
        batch.wrap(buffer, position);
        position += batch.sizeInBytes();
        return batch;
    }

    /**
     * Where the next batch starts; once {@link #hasNext()} is false, the end of the last whole
     * batch, which is where a partial trailing batch (if any) begins.
     */
    public int position()
    {
        return position;
    }
}
