package io.osprey.group;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import io.osprey.common.ErrorCode;
import io.osprey.common.TopicPartition;
import io.osprey.protocol.message.DeleteGroupsResponse;
import io.osprey.protocol.message.HeartbeatRequest;
import io.osprey.protocol.message.JoinGroupRequest;
import io.osprey.protocol.message.JoinGroupResponse;
import io.osprey.protocol.message.LeaveGroupRequest;
import io.osprey.protocol.message.OffsetCommitRequest;
import io.osprey.protocol.message.OffsetCommitResponse;
import io.osprey.protocol.message.SyncGroupRequest;
import io.osprey.protocol.message.SyncGroupResponse;

/**
 * A {@link GroupCoordinator} on a simulated clock with an in-memory {@link GroupLog} whose
 * appends complete only when the test says so ({@link #flushLog()}), or at once in auto mode.
 * Verbs read like the scenario: {@code join}, {@code sync}, {@code heartbeat}, {@code advance}.
 */
final class GroupFixture
{
    static final String GROUP = "g";
    static final int SESSION_MS = 10_000;
    static final int REBALANCE_MS = 30_000;

    /** One append the coordinator made, with its completion. */
    record Append(int partition, List<OffsetsRecord> records, Consumer<ErrorCode> onComplete)
    {
    }

    /** A response that may arrive later. */
    static final class Pending<T>
    {
        final List<T> answers = new ArrayList<>();

        void accept(final T t)
        {
            answers.add(t);
        }

        boolean done()
        {
            return !answers.isEmpty();
        }

        T get()
        {
            if (answers.isEmpty())
            {
                throw new AssertionError("no response yet");
            }
            return answers.get(answers.size() - 1);
        }
    }

    final List<Append> pendingAppends = new ArrayList<>();
    final List<Append> appended = new ArrayList<>();
    boolean autoFlush = true;
    ErrorCode nextAppendError = ErrorCode.NONE;
    long nowMs = 1_000_000;
    private int ids;
    final GroupConfig config;
    final GroupCoordinator coordinator;

    GroupFixture(final int initialDelayMs)
    {
        config = new GroupConfig(1, 300_000, initialDelayMs, 1000, 24L * 3600 * 1000, 600_000, 4096, 4, (short)1, 1 << 20, 5000);
        coordinator = new GroupCoordinator(config, this::append, tp -> !tp.topic().startsWith("missing"), () -> "id" + (ids++));
        coordinator.onTopicReady(4);
        for (int p = 0; p < 4; p++)
        {
            coordinator.onPartitionLoaded(p, new LoadedPartition(), nowMs);
        }
    }

    GroupFixture()
    {
        this(0);
    }

    private void append(final int partition, final List<OffsetsRecord> records, final long now, final Consumer<ErrorCode> done)
    {
        final Append a = new Append(partition, records, done);
        pendingAppends.add(a);
        if (autoFlush)
        {
            flushLog();
        }
    }

    /** Completes every pending append (with {@link #nextAppendError}). */
    void flushLog()
    {
        while (!pendingAppends.isEmpty())
        {
            final Append a = pendingAppends.remove(0);
            if (nextAppendError == ErrorCode.NONE)
            {
                appended.add(a);
            }
            a.onComplete().accept(nextAppendError);
        }
    }

    void advance(final long ms)
    {
        nowMs += ms;
        coordinator.poll(nowMs);
    }

    static List<JoinGroupRequest.Protocol> protocols(final String... names)
    {
        final List<JoinGroupRequest.Protocol> out = new ArrayList<>();
        for (final String n : names)
        {
            out.add(new JoinGroupRequest.Protocol(n, ("meta-" + n).getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }

    Pending<JoinGroupResponse> join(final String memberId, final String instanceId, final List<JoinGroupRequest.Protocol> protocols)
    {
        final Pending<JoinGroupResponse> p = new Pending<>();
        coordinator.joinGroup(new JoinGroupRequest(GROUP, SESSION_MS, REBALANCE_MS, memberId, instanceId, "consumer", protocols, null),
            true, "client", "/127.0.0.1", nowMs, p::accept);
        coordinator.poll(nowMs);
        return p;
    }

    Pending<JoinGroupResponse> join(final String memberId)
    {
        return join(memberId, null, protocols("range"));
    }

    /** A new dynamic member: MEMBER_ID_REQUIRED, then the rejoin with the given id (whose response may wait). */
    Pending<JoinGroupResponse> joinNew()
    {
        final JoinGroupResponse first = join("").get();
        if (first.errorCode() != ErrorCode.MEMBER_ID_REQUIRED.code)
        {
            throw new AssertionError("expected MEMBER_ID_REQUIRED, got " + first);
        }
        return join(first.memberId());
    }

    Pending<SyncGroupResponse> sync(final String memberId, final int generation, final List<SyncGroupRequest.Assignment> assignments)
    {
        final Pending<SyncGroupResponse> p = new Pending<>();
        coordinator.syncGroup(new SyncGroupRequest(GROUP, generation, memberId, null, "consumer", null, assignments), nowMs, p::accept);
        coordinator.poll(nowMs);
        return p;
    }

    Pending<SyncGroupResponse> sync(final String memberId, final int generation)
    {
        return sync(memberId, generation, List.of());
    }

    /** Makes every listed member (all answered JoinGroup of one generation) sync, the leader assigning "a-" + member id. */
    void syncAll(final JoinGroupResponse... joins)
    {
        final List<SyncGroupRequest.Assignment> assignments = new ArrayList<>();
        for (final JoinGroupResponse j : joins)
        {
            assignments.add(new SyncGroupRequest.Assignment(j.memberId(), ("a-" + j.memberId()).getBytes(StandardCharsets.UTF_8)));
        }
        for (final JoinGroupResponse j : joins)
        {
            sync(j.memberId(), j.generationId(), j.leader().equals(j.memberId()) ? assignments : List.of());
        }
    }

    ErrorCode heartbeat(final String memberId, final int generation)
    {
        return coordinator.heartbeat(new HeartbeatRequest(GROUP, generation, memberId, null), nowMs);
    }

    ErrorCode heartbeat(final String memberId, final String instanceId, final int generation)
    {
        return coordinator.heartbeat(new HeartbeatRequest(GROUP, generation, memberId, instanceId), nowMs);
    }

    short leave(final String memberId)
    {
        return coordinator.leaveGroup(GROUP, List.of(new LeaveGroupRequest.MemberIdentity(memberId, null, null)), nowMs)
            .members().get(0).errorCode();
    }

    Pending<OffsetCommitResponse> commit(final String memberId, final int generation, final String topic, final int partition,
        final long offset)
    {
        final Pending<OffsetCommitResponse> p = new Pending<>();
        coordinator.commitOffsets(new OffsetCommitRequest(GROUP, generation, memberId, null, -1,
            List.of(new OffsetCommitRequest.Topic(topic, List.of(new OffsetCommitRequest.Partition(partition, offset, -1, "m"))))),
            nowMs, p::accept);
        return p;
    }

    static short commitError(final Pending<OffsetCommitResponse> p)
    {
        return p.get().topics().get(0).partitions().get(0).errorCode();
    }

    Pending<DeleteGroupsResponse> delete(final String... groups)
    {
        final Pending<DeleteGroupsResponse> p = new Pending<>();
        coordinator.deleteGroups(List.of(groups), nowMs, p::accept);
        return p;
    }

    long committed(final String topic, final int partition)
    {
        final CommittedOffset c = coordinator.committed(GROUP, new TopicPartition(topic, partition));
        return c == null ? -1 : c.offset();
    }

    /** Replays every record appended so far into a fresh coordinator, as a restart would. */
    GroupCoordinator restarted()
    {
        final GroupCoordinator fresh = new GroupCoordinator(config, (p, r, n, done) -> done.accept(ErrorCode.NONE),
            tp -> true);
        fresh.onTopicReady(4);
        final LoadedPartition[] loaded = new LoadedPartition[4];
        for (int p = 0; p < 4; p++)
        {
            loaded[p] = new LoadedPartition();
        }
        for (final Append a : appended)
        {
            for (final OffsetsRecord r : a.records())
            {
                loaded[a.partition()].replay(r.key(), r.value());
            }
        }
        for (int p = 0; p < 4; p++)
        {
            fresh.onPartitionLoaded(p, loaded[p], nowMs);
        }
        return fresh;
    }
}
