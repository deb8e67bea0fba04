package io.osprey.controller;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A registered broker as the controller sees it.
 *
 * @param incarnationId   changes on every broker process start, so a restarted broker is told
 *                        apart from a late message of its previous life; also its broker
 *                        epoch ({@link #brokerEpoch()}).
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

    /**
     * The broker epoch of an incarnation: what a broker sends as its epoch in follower fetches
     * (Fetch's ReplicaState.ReplicaEpoch) and a leader copies into AlterPartition for each
     * member it adds (KIP-903). Osprey derives it from the incarnation id instead of handing one
     * out at registration: the incarnation already changes on every process start, which is
     * exactly when a broker may have lost records it reported, and a re-registration of the
     * same process keeps its epoch. The low 64 bits of a random UUID hold 62 random bits; a
     * value of -1 (the "unknown" epoch, whose check is skipped) is as unlikely as a collision.
     */
    public static long brokerEpochOf(final UUID incarnationId)
    {
        return incarnationId.getLeastSignificantBits();
    }

    /** {@link #brokerEpochOf} of this registration's incarnation. */
    public long brokerEpoch()
    {
        return brokerEpochOf(incarnationId);
    }

    BrokerInfo withLease(final long newLeaseExpiryMs, final boolean newFenced)
    {
        return new BrokerInfo(id, incarnationId, endpoints, rack, newLeaseExpiryMs, newFenced);
    }
}
