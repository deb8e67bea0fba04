package io.osprey.group;

import java.util.List;

/**
 * The content of a {@code GroupMetadataValue} record: a classic group as of its last stored
 * generation.
 *
 * @param protocolType            e.g. "consumer"; "" for none
 * @param generation              the generation id
 * @param protocol                the selected protocol (assignor) name, or null
 * @param leader                  the leader's member id, or null
 * @param currentStateTimestampMs when the group entered its current state (-1 unknown)
 * @param members                 the members with their subscription and assignment
 */
public record GroupMetadataSnapshot(String protocolType, int generation, String protocol, String leader,
    long currentStateTimestampMs, List<Member> members)
{
    public GroupMetadataSnapshot
    {
        members = List.copyOf(members);
    }

    /**
     * One member of the stored group.
     *
     * @param subscription the member's metadata for the selected protocol
     * @param assignment   the leader's assignment for this member
     */
    public record Member(String memberId, String groupInstanceId, String clientId, String clientHost, int rebalanceTimeoutMs,
        int sessionTimeoutMs, byte[] subscription, byte[] assignment)
    {
    }
}
