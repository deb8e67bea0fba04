package io.osprey.controller;

import io.osprey.common.ErrorCode;

import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/** What the controller answers to a command. Responses are stored in the dedup table, so they are values. */
public sealed interface Response
{
    ErrorCode error();

    /** The outcome of a command with one result, or of any command refused as a whole. */
    record Simple(ErrorCode error, String message) implements Response
    {
        static final Simple OK = new Simple(ErrorCode.NONE, null);
    }

    /** Registration and heartbeat: the lease granted and whether the broker is fenced. */
    record Lease(ErrorCode error, String message, long leaseExpiryMs, boolean fenced) implements Response
    {
    }

    /** One result per topic or per {@code topic-partition} (CreateTopics, DeleteTopics, ElectLeaders). */
    record PerItem(SortedMap<String, Simple> results) implements Response
    {
        public PerItem
        {
            results = Collections.unmodifiableSortedMap(new TreeMap<>(results));
        }

        @Override
        public ErrorCode error()
        {
            return ErrorCode.NONE;
        }
    }

    /** AlterPartition: the partition state after the call, so a refused leader learns the current epochs. */
    record PartitionState(ErrorCode error, String message, int leader, int leaderEpoch, int partitionEpoch, List<Integer> isr)
        implements Response
    {
        public PartitionState
        {
            isr = List.copyOf(isr);
        }
    }

    record ProducerIds(ErrorCode error, long firstProducerId, int count) implements Response
    {
    }

    /** Rebalance: how many replica moves were started. */
    record Reassignment(ErrorCode error, String message, int replicaMoves) implements Response
    {
    }
}
