package io.osprey.client;

import java.util.List;

import io.osprey.common.ErrorCode;
import io.osprey.common.TopicPartition;

/**
 * One partition as the last metadata response described it.
 *
 * @param error       the partition's error: NONE, or LEADER_NOT_AVAILABLE while an election runs, ...
 * @param leaderId    the leader's node id, -1 when there is none
 * @param leaderEpoch the leader epoch, -1 when the broker did not say (Metadata before v7)
 */
public record PartitionMetadata(TopicPartition partition, ErrorCode error, int leaderId, int leaderEpoch, List<Integer> replicas,
    List<Integer> isr, List<Integer> offlineReplicas)
{
    /** Whether the partition has a leader to send to. */
    public boolean hasLeader()
    {
        return leaderId >= 0;
    }
}
