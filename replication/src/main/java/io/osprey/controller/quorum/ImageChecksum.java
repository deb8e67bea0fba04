package io.osprey.controller.quorum;

import io.osprey.controller.MetadataImage;
import io.osprey.controller.MetadataRecord;
import org.agrona.ExpandableArrayBuffer;

import java.util.zip.CRC32C;

/**
 * A checksum of an image's encoded form (its records, next producer id and offset), equal on
 * every JVM for equal images: how processes compare their images without shipping them.
 */
public final class ImageChecksum
{
    private ImageChecksum()
    {
    }

    public static long of(final MetadataImage image)
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(4096);
        final WireWriter w = new WireWriter().wrap(buffer, 0);
        w.putLong(image.lastAppliedOffset()).putLong(image.nextProducerId());
        for (final MetadataRecord r : ImageRecords.toRecords(image))
        {
            ControllerCodec.encodeRecord(w, r);
        }
        final CRC32C crc = new CRC32C();
        crc.update(buffer.byteArray(), 0, w.position());
        return crc.getValue();
    }

    /** One line for logs and tests: offset, checksum and sizes. */
    public static String describe(final MetadataImage image)
    {
        return "offset=" + image.lastAppliedOffset() + " crc=" + Long.toHexString(of(image)) + " brokers=" + image.brokers().size() +
            " topics=" + image.topics().size();
    }
}
