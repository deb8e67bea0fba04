package io.osprey.replication;

import java.util.List;

/**
 * An ISR change a leader sends to the controller (AlterPartition): the new ISR, and the leader
 * and partition epochs of the state it was computed from, so the controller refuses it if that
 * state has moved on; and, per member, the broker epoch of the incarnation whose fetches the
 * leader judged (Kafka's {@code NewIsrWithEpochs}, KIP-903), so the controller refuses to add a
 * broker that has restarted since: a restart can lose the records its old self reported, and
 * the restart of a replica outside the ISR changes no partition epoch.
 * <p>
 * Compared by identity on purpose, not a record: a response is matched to the very proposal it
 * answers, so a late answer to an older proposal with equal fields can never resolve a newer one.
 * Immutable.
 */
public final class IsrProposal
{
    private final int leaderEpoch;
    private final int partitionEpoch;
    private final List<Integer> newIsr;
    private final List<Long> newIsrBrokerEpochs;

    IsrProposal(final int leaderEpoch, final int partitionEpoch, final List<Integer> newIsr, final List<Long> newIsrBrokerEpochs)
    {
        if (newIsr.size() != newIsrBrokerEpochs.size())
        {
            throw new IllegalArgumentException("ISR " + newIsr + " and broker epochs " + newIsrBrokerEpochs + " differ in length");
        }
        this.leaderEpoch = leaderEpoch;
        this.partitionEpoch = partitionEpoch;
        this.newIsr = List.copyOf(newIsr);
        this.newIsrBrokerEpochs = List.copyOf(newIsrBrokerEpochs);
    }

    public int leaderEpoch()
    {
        return leaderEpoch;
    }

    /** The partition epoch the proposal was based on. */
    public int partitionEpoch()
    {
        return partitionEpoch;
    }

    public List<Integer> newIsr()
    {
        return newIsr;
    }

    /**
     * The broker epoch of each {@link #newIsr()} member, in the same order, as the leader last
     * saw it in that member's fetches; {@link ReplicaProgress#UNKNOWN_BROKER_EPOCH} for the
     * leader itself and for followers that sent none. The controller must refuse the proposal
     * when a known epoch is not the member's current registration.
     */
    public List<Long> newIsrBrokerEpochs()
    {
        return newIsrBrokerEpochs;
    }

    @Override
    public String toString()
    {
        return "IsrProposal(leaderEpoch=" + leaderEpoch + ", partitionEpoch=" + partitionEpoch + ", newIsr=" + newIsr + ", brokerEpochs=" + newIsrBrokerEpochs + ")";
    }
}
