/**
 * The pure rules of ISR replication, shared by the broker's leader and follower roles:
 * {@link io.osprey.replication.LeaderReplicaState} (the leader's view of its followers, the
 * high watermark, ISR changes and the acks=all checks), {@link io.osprey.replication.FollowerState}
 * (the follower's high watermark and where it truncates when its log diverged), and
 * {@link io.osprey.replication.LeaderEpochCache} (which epoch wrote which offsets).
 * <p>
 * Pure and deterministic: no sockets, files, threads or clocks; time arrives as {@code nowMs}
 * arguments and logs are described by their end offsets and epoch caches. The broker owns the
 * I/O around them. {@code docs/replication.md} states the rules these classes implement.
 */
package io.osprey.replication;
