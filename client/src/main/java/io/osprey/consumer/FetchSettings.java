package io.osprey.consumer;

import java.util.Locale;

import io.osprey.client.config.ClientConfig;

/**
 * The fetch-related settings, read once from the configuration. Immutable.
 *
 * @param minBytes          {@code fetch.min.bytes}
 * @param maxBytes          {@code fetch.max.bytes}: per response, and the most buffered ahead of poll in total
 * @param maxWaitMs         {@code fetch.max.wait.ms}
 * @param partitionMaxBytes {@code max.partition.fetch.bytes}: per partition per response, and the most
 *                          buffered ahead of poll per partition
 * @param isolationLevel    0 for read_uncommitted, 1 for read_committed, as on the wire
 * @param rackId            {@code client.rack}
 * @param defaultReset      {@code auto.offset.reset}
 */
record FetchSettings(int minBytes, int maxBytes, int maxWaitMs, int partitionMaxBytes, byte isolationLevel, String rackId,
    OffsetResetStrategy defaultReset)
{
    static FetchSettings from(final ClientConfig config)
    {
        final boolean readCommitted = ConsumerConfig.READ_COMMITTED.equals(
            config.getString(ConsumerConfig.ISOLATION_LEVEL_CONFIG).toLowerCase(Locale.ROOT));
        return new FetchSettings(config.getInt(ConsumerConfig.FETCH_MIN_BYTES_CONFIG), config.getInt(ConsumerConfig.FETCH_MAX_BYTES_CONFIG),
            config.getInt(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), config.getInt(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG),
            (byte)(readCommitted ? 1 : 0), config.getString(ConsumerConfig.CLIENT_RACK_CONFIG),
            OffsetResetStrategy.forConfig(config.getString(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG)));
    }

    /**
     * A partition is fetched again only while less than this is buffered for it; at least 1 so
     * that {@code max.partition.fetch.bytes=0} still fetches whenever nothing is buffered.
     */
    long partitionBufferThreshold()
    {
        return Math.max(1, partitionMaxBytes);
    }

    /** Nothing is fetched while this much is buffered in total; at least 1, as above. */
    long totalBufferThreshold()
    {
        return Math.max(1, maxBytes);
    }
}
