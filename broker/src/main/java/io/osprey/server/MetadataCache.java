package io.osprey.server;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.osprey.controller.MetadataImage;
import io.osprey.controller.MetadataRecord;
import io.osprey.controller.TopicInfo;
import io.osprey.controller.quorum.MetadataListener;

/**
 * This broker's copy of the cluster metadata: the controller quorum's committed records,
 * applied in order by {@code ControllerClient} (it keeps the image; this class publishes it).
 * Metadata, DescribeCluster and the admin handlers read {@link #image()}; the partition manager
 * and the group coordinator register as appliers and are called after every change that can
 * matter to them (not after a plain lease renewal or a dedup-table entry).
 * <p>
 * Thread-safety: {@link #image()} from any thread (a volatile reference to an immutable
 * image). The listener methods run on the controller client's callback thread, one at a time;
 * appliers run there too, under this object's lock, so an applier added late sees the current
 * image first and then every later one, in order.
 */
public final class MetadataCache implements MetadataListener
{
    private static final Logger LOG = LoggerFactory.getLogger(MetadataCache.class);

    private final List<Consumer<MetadataImage>> appliers = new CopyOnWriteArrayList<>();
    private volatile MetadataImage image = MetadataImage.EMPTY;

    public MetadataImage image()
    {
        return image;
    }

    /** The topic with id {@code id}, or null. */
    public TopicInfo topicById(final UUID id)
    {
        for (final TopicInfo t : image.topics().values())
        {
            if (t.id().equals(id))
            {
                return t;
            }
        }
        return null;
    }

    /** Calls {@code applier} with the current image now and with every relevant new image after. */
    public synchronized void addApplier(final Consumer<MetadataImage> applier)
    {
        appliers.add(applier);
        run(applier, image);
    }

    @Override
    public synchronized void onImage(final MetadataImage newImage)
    {
        image = newImage;
        for (final Consumer<MetadataImage> a : appliers)
        {
            run(a, newImage);
        }
    }

    @Override
    public synchronized void onRecord(final long offset, final MetadataRecord record, final MetadataImage newImage)
    {
        image = newImage;
        if (record instanceof MetadataRecord.BrokerLeaseRenewed || record instanceof MetadataRecord.ClientSequenceRecorded
            || record instanceof MetadataRecord.ProducerIdsAllocated)
        {
            return;
        }
        for (final Consumer<MetadataImage> a : appliers)
        {
            run(a, newImage);
        }
    }

    private static void run(final Consumer<MetadataImage> applier, final MetadataImage image)
    {
        try
        {
            applier.accept(image);
        }
        catch (final RuntimeException e)
        {
            LOG.error("Applying metadata offset {} failed", image.lastAppliedOffset(), e);
        }
    }
}
