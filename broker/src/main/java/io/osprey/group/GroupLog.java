package io.osprey.group;

import java.util.List;
import java.util.function.Consumer;

import io.osprey.common.ErrorCode;

/**
 * Where the coordinator writes its records: one append of keyed records to one
 * {@code __consumer_offsets} partition, as one batch (all or nothing).
 */
public interface GroupLog
{
    /**
     * Appends {@code records} to {@code partition}. {@code onComplete} runs later on the
     * coordinator's thread, once the records are appended and flushed as the flush policy
     * requires, with {@link ErrorCode#NONE} or the append's error.
     */
    void append(int partition, List<OffsetsRecord> records, long nowMs, Consumer<ErrorCode> onComplete);
}
