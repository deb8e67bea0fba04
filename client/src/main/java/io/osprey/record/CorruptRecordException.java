package io.osprey.record;

/**
 * A record batch or record whose bytes break the RecordBatch v2 format: a length that runs past
 * its batch, a size below -1, a record count that disagrees with the records present, a varint
 * longer than its type allows, or a compressed blob that does not decompress.
 * <p>
 * Unchecked because callers on the fetch and produce paths cannot recover record by record: they
 * drop the batch or answer CORRUPT_MESSAGE (error code 2). Immutable, so thread-safe.
 */
public class CorruptRecordException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public CorruptRecordException(final String message)
    {
        super(message);
    }

    public CorruptRecordException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
