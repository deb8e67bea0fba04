package io.osprey.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.osprey.client.config.ClientConfig;
import io.osprey.client.config.CommonClientConfigs;
import io.osprey.common.OspreyException;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.message.MetadataRequest;
import io.osprey.protocol.message.MetadataResponse;

/**
 * Keeps a {@link Metadata} fresh: when polled and an update is due, sends one Metadata request
 * (for the topics of interest, or all topics) to the least loaded node and applies the
 * response. At most one request is in flight. After a failure (disconnect, timeout, a response
 * naming no brokers) the next attempt waits {@code retry.backoff.ms}, doubling per consecutive
 * failure up to {@code retry.backoff.max.ms} with 20% jitter; after a success, a requested
 * update still waits {@code retry.backoff.ms}, so a caller that keeps seeing a leader error
 * cannot turn the client into a metadata storm.
 * <p>
 * Not thread-safe: polled by the I/O thread that owns the {@link NetworkClient}, before each
 * {@link NetworkClient#poll}:
 * <pre>
 *   long nowMs = client.clock().nowMs();
 *   long metadataWaitMs = updater.poll(nowMs);
 *   client.poll(Math.min(metadataWaitMs, myOwnTimeoutMs));
 * </pre>
 */
public final class MetadataUpdater
{
    private static final Logger LOG = LoggerFactory.getLogger(MetadataUpdater.class);

    private final NetworkClient client;
    private final Metadata metadata;
    private final boolean allowAutoTopicCreation;
    private final long retryBackoffMs;
    private final ExponentialBackoff failureBackoff;
    private final Random random;

    private boolean inFlight;
    private int consecutiveFailures;
    private long nextAttemptMs = Long.MIN_VALUE;

    /**
     * @param allowAutoTopicCreation sent in the request (v4+): true for a producer (Kafka's default),
     *                               the consumer's {@code allow.auto.create.topics}, false for admin
     */
    public MetadataUpdater(final NetworkClient client, final ClientConfig config, final boolean allowAutoTopicCreation, final Random random)
    {
        this.client = client;
        this.metadata = client.metadata();
        this.allowAutoTopicCreation = allowAutoTopicCreation;
        this.retryBackoffMs = config.getLong(CommonClientConfigs.RETRY_BACKOFF_MS_CONFIG);
        this.failureBackoff = ExponentialBackoff.doubling(retryBackoffMs, config.getLong(CommonClientConfigs.RETRY_BACKOFF_MAX_MS_CONFIG));
        this.random = random;
    }

    public MetadataUpdater(final NetworkClient client, final ClientConfig config, final boolean allowAutoTopicCreation)
    {
        this(client, config, allowAutoTopicCreation, new Random());
    }

    /**
     * Sends a metadata request if one is due, none is in flight, the backoff has passed and a node
     * is available.
     *
     * @return how long the caller may wait before polling again for metadata's sake:
     *         {@link Long#MAX_VALUE} while a request is in flight (its response wakes the poll)
     */
    public long poll(final long nowMs)
    {
        if (inFlight)
        {
            return Long.MAX_VALUE;
        }
        final long waitMs = Math.max(metadata.timeToNextUpdateMs(nowMs), nowMs < nextAttemptMs ? nextAttemptMs - nowMs : 0);
        if (waitMs > 0)
        {
            return waitMs;
        }
        final Node node = client.leastLoadedNode(nowMs);
        if (node == null)
        {
            // Every node is in reconnect backoff: look again when the soonest one may be tried.
            LOG.debug("No node to send a metadata request to; every connection is backing off");
            return Math.max(1, Math.min(retryBackoffMs, soonestConnectMs(nowMs)));
        }
        send(node, nowMs);
        return Long.MAX_VALUE;
    }

    /** Whether a metadata request is in flight. */
    public boolean inFlight()
    {
        return inFlight;
    }

    private long soonestConnectMs(final long nowMs)
    {
        long soonest = Long.MAX_VALUE;
        final List<Node> candidates = new ArrayList<>(metadata.nodes());
        candidates.addAll(client.bootstrapNodes());
        for (final Node node : candidates)
        {
            soonest = Math.min(soonest, client.connectionDelayMs(node.id(), nowMs));
        }
        return soonest;
    }

    private void send(final Node node, final long nowMs)
    {
        inFlight = true;
        final int requestCount = metadata.updateRequestCount();
        final Set<String> topics = metadata.allTopics() ? null : metadata.topics();
        LOG.debug("Sending metadata request for {} to {}", topics == null ? "all topics" : topics, node);
        client.send(node.id(), ApiKey.METADATA, ApiKey.METADATA.latest, version -> request(topics, version), client.requestTimeoutMs(),
            new ResponseHandler()
            {
                @Override
                public void onResponse(final short version, final ProtocolReader body)
                {
                    final MetadataResponse response;
                    try
                    {
                        response = MetadataResponse.read(body, version);
                    }
                    catch (final RuntimeException e)
                    {
                        onFailed(node, "malformed response: " + e.getMessage());
                        return;
                    }
                    onMetadata(node, requestCount, response);
                }

                @Override
                public void onFailure(final OspreyException failure)
                {
                    onFailed(node, failure.getMessage());
                }
            });
    }

    private MetadataRequest request(final Set<String> topics, final short version)
    {
        if (topics == null)
        {
            return new MetadataRequest(null, allowAutoTopicCreation, false, false);
        }
        // In v0 an empty list means all topics; asking for all is the closest v0 can do for "none".
        final List<MetadataRequest.Topic> list = new ArrayList<>(topics.size());
        for (final String topic : topics)
        {
            list.add(new MetadataRequest.Topic(MetadataRequest.ZERO_UUID, topic));
        }
        return new MetadataRequest(list, allowAutoTopicCreation, false, false);
    }

    private void onMetadata(final Node node, final int requestCount, final MetadataResponse response)
    {
        if (response.brokers().isEmpty())
        {
            // A broker still starting up can answer with no brokers; applying that would forget the cluster.
            onFailed(node, "the response names no brokers");
            return;
        }
        final long nowMs = client.clock().nowMs();
        inFlight = false;
        consecutiveFailures = 0;
        nextAttemptMs = nowMs + retryBackoffMs;
        metadata.update(requestCount, response, nowMs);
    }

    private void onFailed(final Node node, final String reason)
    {
        final long nowMs = client.clock().nowMs();
        inFlight = false;
        final long backoffMs = failureBackoff.backoffMs(consecutiveFailures++, random);
        nextAttemptMs = nowMs + backoffMs;
        LOG.debug("Metadata request to {} failed ({}); retrying in {} ms", node, reason, backoffMs);
    }
}
