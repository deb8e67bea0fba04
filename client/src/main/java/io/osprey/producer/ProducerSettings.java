package io.osprey.producer;

import java.util.Locale;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.osprey.common.ConfigException;
import io.osprey.client.config.ClientConfig;
import io.osprey.record.Compression;

/**
 * The producer's settings once parsed and cross-checked: what {@link ProducerConfig#parse}
 * returns. Immutable and thread-safe.
 *
 * @param config               every key's value, for the network client and the serializers
 * @param acks                 -1 (all), 0 or 1, as sent in Produce requests
 * @param idempotent           whether batches carry a producer id, epoch and sequence
 * @param deliveryTimeoutMs    possibly raised to linger.ms + request.timeout.ms when not given (as Kafka does)
 * @param batchSize            at least 1
 */
public record ProducerSettings(ClientConfig config, short acks, boolean idempotent, int retries, long deliveryTimeoutMs,
    long requestTimeoutMs, long lingerMs, int batchSize, long bufferMemory, long maxBlockMs, int maxRequestSize,
    Compression compression, int maxInFlight, boolean ignoreKeys, long retryBackoffMs, long retryBackoffMaxMs)
{
    private static final Logger LOG = LoggerFactory.getLogger(ProducerSettings.class);

    static ProducerSettings from(final ClientConfig config)
    {
        final String acksText = config.getString(ProducerConfig.ACKS_CONFIG);
        final short acks = "all".equals(acksText) ? -1 : Short.parseShort(acksText);
        final int retries = config.getInt(ProducerConfig.RETRIES_CONFIG);
        final int maxInFlight = config.getInt(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION);
        final boolean idempotent = idempotence(config, acks, retries, maxInFlight);
        final long lingerMs = config.getLong(ProducerConfig.LINGER_MS_CONFIG);
        final long requestTimeoutMs = config.getLong(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG);
        final long deliveryTimeoutMs = deliveryTimeout(config, lingerMs, requestTimeoutMs);
        return new ProducerSettings(config, acks, idempotent, retries, deliveryTimeoutMs, requestTimeoutMs, lingerMs,
            Math.max(1, config.getInt(ProducerConfig.BATCH_SIZE_CONFIG)), config.getLong(ProducerConfig.BUFFER_MEMORY_CONFIG),
            config.getLong(ProducerConfig.MAX_BLOCK_MS_CONFIG), config.getInt(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
            Compression.forName(config.getString(ProducerConfig.COMPRESSION_TYPE_CONFIG).toLowerCase(Locale.ROOT)), maxInFlight,
            config.getBoolean(ProducerConfig.PARTITIONER_IGNORE_KEYS_CONFIG), config.getLong(ProducerConfig.RETRY_BACKOFF_MS_CONFIG),
            config.getLong(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG));
    }

    /** Kafka's rules: explicit idempotence with a conflicting setting fails; implicit idempotence yields to it. */
    private static boolean idempotence(final ClientConfig config, final short acks, final int retries, final int maxInFlight)
    {
        final boolean explicit = config.isGiven(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG);
        if (!config.getBoolean(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG))
        {
            return false;
        }
        String conflict = null;
        String key = null;
        String value = null;
        if (acks != -1)
        {
            key = ProducerConfig.ACKS_CONFIG;
            value = config.getString(ProducerConfig.ACKS_CONFIG);
            conflict = "Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.";
        }
        else if (maxInFlight > ProducerConfig.IDEMPOTENT_MAX_IN_FLIGHT_MAX)
        {
            key = ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION;
            value = Integer.toString(maxInFlight);
            conflict = "Must set max.in.flight.requests.per.connection to at most " + ProducerConfig.IDEMPOTENT_MAX_IN_FLIGHT_MAX
                + " to use the idempotent producer.";
        }
        else if (retries == 0)
        {
            key = ProducerConfig.RETRIES_CONFIG;
            value = "0";
            conflict = "Must set retries to non-zero when using the idempotent producer.";
        }
        if (conflict == null)
        {
            return true;
        }
        if (explicit)
        {
            throw new ConfigException(key, value, null, conflict + " (enable.idempotence=true was set explicitly; set it to false "
                + "to use " + key + "=" + value + ")");
        }
        LOG.info("Idempotence disabled: {}={} conflicts with it and enable.idempotence was not set", key, value);
        return false;
    }

    private static long deliveryTimeout(final ClientConfig config, final long lingerMs, final long requestTimeoutMs)
    {
        final long given = config.getLong(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG);
        final long minimum = lingerMs + requestTimeoutMs;
        if (given >= minimum)
        {
            return given;
        }
        if (config.isGiven(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG))
        {
            throw new ConfigException(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(given), "a value >= " + minimum,
                "delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms (" + lingerMs + " + "
                    + requestTimeoutMs + " = " + minimum + "), not " + given);
        }
        LOG.warn("delivery.timeout.ms raised to linger.ms + request.timeout.ms = {} ms", minimum);
        return minimum;
    }

    /** The client id given, or {@code fallback} when none was. */
    public String clientId(final String fallback)
    {
        final String id = config.getString(ProducerConfig.CLIENT_ID_CONFIG);
        return id == null || id.isEmpty() ? fallback : id;
    }
}
