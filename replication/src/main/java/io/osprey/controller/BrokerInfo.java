package io.osprey.controller;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A registered broker as the controller sees it.
 *
 * @param incarnationId   changes on every broker process start, so a restarted broker is told
 *                        apart from a late message of its previous life.
 * @param endpoints       {@code host:port} strings, opaque to the controller.
 * @param rack            may be null when the broker sets no rack.
 * @param leaseExpiryMs   cluster time after which, without a heartbeat, the broker is fenced.
 * @param fenced          a fenced broker leads nothing and is in no ISR it could be removed from.
 */
public record BrokerInfo(int id, UUID incarnationId, List<String> endpoints, String rack, long leaseExpiryMs, boolean fenced)
{
    public BrokerInfo
    {
        Objects.requireNonNull(incarnationId, "incarnationId");
        endpoints = List.copyOf(endpoints);
    }

    BrokerInfo withLease(final long newLeaseExpiryMs, final boolean newFenced)
    {
        return new BrokerInfo(id, incarnationId, endpoints, rack, newLeaseExpiryMs, newFenced);
    }
}
