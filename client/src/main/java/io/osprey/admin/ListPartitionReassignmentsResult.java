package io.osprey.admin;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.osprey.common.TopicPartition;

/**
 * The outcome of {@link Admin#listPartitionReassignments}: the partitions with a move in
 * progress, none when every move is done. Thread-safe; the future completes on the admin
 * client's I/O thread: callbacks attached to it must not block.
 */
public final class ListPartitionReassignmentsResult
{
    private final CompletableFuture<Map<TopicPartition, PartitionReassignment>> reassignments;

    ListPartitionReassignmentsResult(final CompletableFuture<Map<TopicPartition, PartitionReassignment>> reassignments)
    {
        this.reassignments = reassignments;
    }

    public CompletableFuture<Map<TopicPartition, PartitionReassignment>> reassignments()
    {
        return reassignments;
    }
}
