package io.osprey.consumer;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import io.osprey.client.ExponentialBackoff;
import io.osprey.client.MetadataSnapshot;
import io.osprey.client.NetworkClient;
import io.osprey.client.Node;
import io.osprey.client.ResponseHandler;
import io.osprey.common.OspreyException;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.message.MetadataRequest;
import io.osprey.protocol.message.MetadataResponse;

/**
 * {@code listTopics}: one Metadata request for every topic, sent to the least loaded node and
 * read on its own, so the consumer's metadata cache (which holds only the topics it reads) is
 * left alone. Retried after {@code retry.backoff.ms}, doubling, until the deadline.
 * <p>
 * Thread-safety: see {@link NetworkCall}; everything else runs on the network thread.
 */
final class TopicListing extends NetworkCall<Map<String, List<PartitionInfo>>>
{
    private final NetworkClient client;
    private final ExponentialBackoff backoff;

    private boolean inFlight;
    private long retryAtMs;
    private int failures;
    private volatile String lastProblem;

    TopicListing(final NetworkClient client, final ExponentialBackoff backoff, final long deadlineMs)
    {
        super(deadlineMs);
        this.client = client;
        this.backoff = backoff;
    }

    @Override
    long poll(final long nowMs)
    {
        if (inFlight)
        {
            return Long.MAX_VALUE;
        }
        if (nowMs < retryAtMs)
        {
            return retryAtMs - nowMs;
        }
        final Node node = client.leastLoadedNode(nowMs);
        if (node == null)
        {
            onRetriable("no broker can be reached");
            return retryAtMs - nowMs;
        }
        inFlight = true;
        client.send(node.id(), ApiKey.METADATA, new MetadataRequest(null, false, false, false), new ResponseHandler()
        {
            @Override
            public void onResponse(final short version, final ProtocolReader body)
            {
                inFlight = false;
                final MetadataResponse response;
                try
                {
                    response = MetadataResponse.read(body, version);
                }
                catch (final RuntimeException e)
                {
                    onRetriable("malformed Metadata v" + version + " response from " + node + ": " + e.getMessage());
                    return;
                }
                if (response.brokers().isEmpty())
                {
                    onRetriable(node + " answered with no brokers");
                    return;
                }
                complete(PartitionInfos.all(MetadataSnapshot.from(response, MetadataSnapshot.EMPTY)));
            }

            @Override
            public void onFailure(final OspreyException failure)
            {
                inFlight = false;
                onRetriable("Metadata request to " + node + " failed: " + failure.getMessage());
                if (!failure.retriable())
                {
                    fail(failure);
                }
            }
        });
        return Long.MAX_VALUE;
    }

    private void onRetriable(final String problem)
    {
        lastProblem = problem;
        retryAtMs = client.clock().nowMs() + backoff.backoffMs(failures++, ThreadLocalRandom.current());
    }

    @Override
    String lastProblem()
    {
        return lastProblem;
    }
}
