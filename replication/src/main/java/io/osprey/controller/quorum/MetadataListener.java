package io.osprey.controller.quorum;

import io.osprey.controller.MetadataImage;
import io.osprey.controller.MetadataRecord;

/**
 * Receives the committed metadata log, in order, from {@link ControllerClient}. Called on the
 * client's callback thread, one call at a time.
 */
public interface MetadataListener
{
    /**
     * The whole current image, replacing everything delivered before: the first delivery when
     * the subscriber was behind, and again after any gap (a reconnect or a record lost in a
     * leader change). Records that follow apply on top of it.
     */
    void onImage(MetadataImage image);

    /** One committed record at metadata {@code offset}; {@code image} is the image after it. */
    void onRecord(long offset, MetadataRecord record, MetadataImage image);
}
