package io.osprey.client;

import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Chooses the least loaded node for requests any broker can answer (metadata, admin). Prefers,
 * in order: a READY node with a free in-flight slot and the fewest requests queued or in flight
 * (one with none ends the search); a node already connecting; a node that may be connected to
 * now. The scan starts at a random node so that many clients spread over the cluster instead of
 * all picking the first broker. Stateless.
 */
final class NodeSelector
{
    private NodeSelector()
    {
    }

    /** The node to use, or {@code null} when every candidate is in reconnect backoff. */
    static Node leastLoaded(final List<Node> candidates, final Map<Integer, Connection> connections, final int maxInFlight,
        final long nowMs, final Random random)
    {
        if (candidates.isEmpty())
        {
            return null;
        }
        final int offset = random.nextInt(candidates.size());
        Node best = null;
        int bestLoad = Integer.MAX_VALUE;
        Node connecting = null;
        Node connectable = null;
        for (int i = 0; i < candidates.size(); i++)
        {
            final Node node = candidates.get((offset + i) % candidates.size());
            final Connection connection = connections.get(node.id());
            if (connection == null)
            {
                connectable = connectable == null ? node : connectable;
                continue;
            }
            final int load = connection.inFlight() + connection.queued.size();
            switch (connection.state)
            {
                case READY:
                    if (load == 0)
                    {
                        return node;
                    }
                    if (load < maxInFlight && load < bestLoad)
                    {
                        best = node;
                        bestLoad = load;
                    }
                    break;
                case CONNECTING:
                case CHECKING_API_VERSIONS:
                    connecting = connecting == null ? node : connecting;
                    break;
                case DISCONNECTED:
                default:
                    if (nowMs >= connection.reconnectAtMs && connectable == null)
                    {
                        connectable = node;
                    }
                    break;
            }
        }
        return best != null ? best : connecting != null ? connecting : connectable;
    }
}
