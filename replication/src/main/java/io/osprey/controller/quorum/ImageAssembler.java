package io.osprey.controller.quorum;

import io.osprey.controller.MetadataImage;
import io.osprey.controller.MetadataRecord;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects an image sent as {@code IMAGE_BEGIN, IMAGE_RECORD..., IMAGE_END} and rebuilds it.
 * Used by the service to load a snapshot and by the client to catch up.
 * <p>
 * Not thread-safe: owned by the thread polling the stream.
 */
final class ImageAssembler
{
    private List<MetadataRecord> records;
    private long lastAppliedOffset;
    private long nextProducerId;
    private int expectedCount;

    boolean inProgress()
    {
        return records != null;
    }

    void onBegin(final WireReader reader)
    {
        lastAppliedOffset = reader.getLong();
        nextProducerId = reader.getLong();
        expectedCount = reader.getCount();
        records = new ArrayList<>(Math.min(expectedCount, 1 << 16));
    }

    void onRecord(final WireReader reader)
    {
        if (records == null)
        {
            throw new MalformedMessageException("image record outside an image");
        }
        records.add(ControllerCodec.decodeRecord(reader));
    }

    MetadataImage onEnd(final WireReader reader)
    {
        final long endOffset = reader.getLong();
        if (records == null || endOffset != lastAppliedOffset || records.size() != expectedCount)
        {
            throw new MalformedMessageException("image end at offset " + endOffset + " does not match its begin (offset " +
                lastAppliedOffset + ", " + expectedCount + " records, got " + (records == null ? 0 : records.size()) + ")");
        }
        final MetadataImage image = ImageRecords.fromRecords(records, nextProducerId, lastAppliedOffset);
        records = null;
        return image;
    }
}
