package io.osprey.controller;

import java.util.ArrayList;
import java.util.List;

/**
 * Records a command is producing, and the image as it will be once they are replayed. Later
 * decisions in the same command read {@link #image()}, so fencing two brokers in one timer
 * tick elects leaders that account for both. The real image is untouched until replay.
 */
final class RecordDraft
{
    private final List<MetadataRecord> records = new ArrayList<>();
    private MetadataImage image;

    RecordDraft(final MetadataImage base)
    {
        this.image = base;
    }

    MetadataImage image()
    {
        return image;
    }

    void append(final MetadataRecord record)
    {
        image = RecordApplier.apply(image, record);
        records.add(record);
    }

    List<MetadataRecord> records()
    {
        return records;
    }
}
