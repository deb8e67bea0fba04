package io.osprey.group;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.osprey.common.ErrorCode;
import io.osprey.common.TopicPartition;
import io.osprey.protocol.ConsumerProtocol;
import io.osprey.protocol.message.DeleteGroupsResponse;
import io.osprey.protocol.message.DescribeGroupsResponse;
import io.osprey.protocol.message.HeartbeatRequest;
import io.osprey.protocol.message.JoinGroupRequest;
import io.osprey.protocol.message.JoinGroupResponse;
import io.osprey.protocol.message.LeaveGroupRequest;
import io.osprey.protocol.message.LeaveGroupResponse;
import io.osprey.protocol.message.ListGroupsResponse;
import io.osprey.protocol.message.OffsetCommitRequest;
import io.osprey.protocol.message.OffsetCommitResponse;
import io.osprey.protocol.message.OffsetDeleteRequest;
import io.osprey.protocol.message.OffsetDeleteResponse;
import io.osprey.protocol.message.OffsetFetchRequest;
import io.osprey.protocol.message.OffsetFetchResponse;
import io.osprey.protocol.message.SyncGroupRequest;
import io.osprey.protocol.message.SyncGroupResponse;

/**
 * The group coordinator for Kafka's classic group protocol, as a deterministic state machine:
 * requests and time go in ({@code nowMs} on every call, {@link #poll(long)} for timeouts),
 * responses come out through callbacks, and records go to a {@link GroupLog}. It owns no
 * thread, clock or file, so tests drive it directly.
 * <p>
 * The protocol (Kafka's classic rebalance): members JoinGroup (a new dynamic member is first
 * told MEMBER_ID_REQUIRED with an id to rejoin with, from JoinGroup v4); the group enters
 * PreparingRebalance and the join phase ends when every known member has rejoined or the
 * longest rebalance timeout passes (a new group first waits {@code group.initial.rebalance.delay.ms},
 * extended while members keep arriving). Members that did not rejoin are dropped (static ones
 * are kept), the generation is bumped, a protocol is chosen by vote and every waiting member
 * gets its JoinGroup response (the leader with all members' metadata). In CompletingRebalance
 * the leader's SyncGroup carries the assignment; it is stored in {@code __consumer_offsets} and
 * then handed to every member (Stable). Heartbeats keep sessions alive and tell members about a
 * rebalance (REBALANCE_IN_PROGRESS); a stale generation is fenced (ILLEGAL_GENERATION), an
 * unknown member refused (UNKNOWN_MEMBER_ID), a replaced static member fenced (FENCED_INSTANCE_ID).
 * <p>
 * Offsets: a commit is checked against the generation (a member's) or accepted with generation
 * -1 from outside the group while it is Empty, appended, and only then cached and answered.
 * Empty groups' offsets expire after {@code offsets.retention.minutes}; an Empty group without
 * offsets is then removed (tombstones are written for both).
 * <p>
 * Not thread-safe: every method runs on the coordinator thread, and {@link GroupLog} calls its
 * completions back on that thread.
 */
public final class GroupCoordinator
{
    private static final Logger LOG = LoggerFactory.getLogger(GroupCoordinator.class);

    /** Kafka's limit on how long a new member may wait in its first join phase before it is dropped. */
    public static final long NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000;
    public static final String CLASSIC_GROUP_TYPE = "classic";
    private static final String SEP = "\u0000";
    private static final String EXPIRE_TIMER = "expire-offsets";

    /** A partition of {@code __consumer_offsets} this coordinator owns (null in the array: not owned, its groups are elsewhere). */
    private enum PartitionStatus
    {
        LOADING,
        LOADED,
        /** Loading failed: its groups are refused with COORDINATOR_NOT_AVAILABLE until it is loaded again. */
        FAILED
    }

    private final GroupConfig config;
    private final GroupLog log;
    private final Predicate<TopicPartition> partitionExists;
    private final Supplier<String> idGenerator;
    private final Map<String, ClassicGroup> groups = new HashMap<>();
    private final DeadlineTimers timers = new DeadlineTimers();
    private PartitionStatus[] partitions = new PartitionStatus[0];

    /**
     * @param partitionExists whether a topic partition exists (commits to unknown ones get UNKNOWN_TOPIC_OR_PARTITION)
     * @param idGenerator     unique suffixes for new member ids
     */
    public GroupCoordinator(final GroupConfig config, final GroupLog log, final Predicate<TopicPartition> partitionExists,
        final Supplier<String> idGenerator)
    {
        this.config = config;
        this.log = log;
        this.partitionExists = partitionExists;
        this.idGenerator = idGenerator;
    }

    public GroupCoordinator(final GroupConfig config, final GroupLog log, final Predicate<TopicPartition> partitionExists)
    {
        this(config, log, partitionExists, () -> UUID.randomUUID().toString());
    }

    // ---- partitions of __consumer_offsets

    /**
     * The offsets topic exists with {@code numPartitions} partitions, none of them owned yet: their
     * groups get NOT_COORDINATOR until {@link #onPartitionLoading} (this broker became the
     * partition's leader) and then COORDINATOR_LOAD_IN_PROGRESS until {@link #onPartitionLoaded}.
     */
    public void onTopicReady(final int numPartitions)
    {
        if (numPartitions < 1)
        {
            throw new IllegalArgumentException("__consumer_offsets needs at least one partition: " + numPartitions);
        }
        partitions = new PartitionStatus[numPartitions];
    }

    public boolean isTopicReady()
    {
        return partitions.length > 0;
    }

    public int numPartitions()
    {
        return partitions.length;
    }

    /** This broker became the leader of partition {@code p}: its groups get COORDINATOR_LOAD_IN_PROGRESS until it is loaded. */
    public void onPartitionLoading(final int p)
    {
        checkPartition(p);
        if (partitions[p] != PartitionStatus.LOADED)
        {
            partitions[p] = PartitionStatus.LOADING;
        }
    }

    /** Loading partition {@code p} failed: its groups get COORDINATOR_NOT_AVAILABLE (nothing is served from a partial state). */
    public void onPartitionLoadFailed(final int p)
    {
        checkPartition(p);
        if (partitions[p] != PartitionStatus.LOADED)
        {
            partitions[p] = PartitionStatus.FAILED;
        }
    }

    /** Installs the groups and offsets read from partition {@code p}; from now on its groups are served. */
    public void onPartitionLoaded(final int p, final LoadedPartition loaded, final long nowMs)
    {
        checkPartition(p);
        if (partitions[p] == PartitionStatus.LOADED)
        {
            LOG.warn("__consumer_offsets-{} is already loaded; ignoring a second load", p);
            return;
        }
        final java.util.Set<String> ids = new java.util.HashSet<>(loaded.groups.keySet());
        ids.addAll(loaded.offsets.keySet());
        for (final String groupId : ids)
        {
            final ClassicGroup group = new ClassicGroup(groupId, p, nowMs);
            final GroupMetadataSnapshot snapshot = loaded.groups.get(groupId);
            if (snapshot != null)
            {
                restore(group, snapshot, nowMs);
            }
            final Map<TopicPartition, CommittedOffset> offsets = loaded.offsets.get(groupId);
            if (offsets != null)
            {
                group.offsets.putAll(offsets);
            }
            groups.put(groupId, group);
        }
        partitions[p] = PartitionStatus.LOADED;
        if (!timers.isScheduled(EXPIRE_TIMER))
        {
            timers.schedule(EXPIRE_TIMER, nowMs + config.offsetsRetentionCheckIntervalMs(), this::onExpireTimer);
        }
        LOG.info("Loaded __consumer_offsets-{}: {} groups from {} records", p, ids.size(), loaded.recordCount());
    }

    /**
     * This broker no longer leads partition {@code p}: its groups are dropped (they live on in the
     * log for the next leader), requests they hold are answered NOT_COORDINATOR, and from now on
     * its groups get NOT_COORDINATOR. Appends still in flight complete as the log decides.
     *
     * @return the groups dropped
     */
    public int onPartitionUnloaded(final int p, final long nowMs)
    {
        checkPartition(p);
        partitions[p] = null;
        int dropped = 0;
        for (final ClassicGroup group : new ArrayList<>(groups.values()))
        {
            if (group.partition != p)
            {
                continue;
            }
            cancelGroupTimers(group);
            for (final GroupMember m : group.members.values())
            {
                if (m.awaitingJoin != null)
                {
                    final Consumer<JoinGroupResponse> respond = m.awaitingJoin;
                    m.awaitingJoin = null;
                    answerQuietly(() -> respond.accept(joinError(m.memberId, ErrorCode.NOT_COORDINATOR)));
                }
                if (m.awaitingSync != null)
                {
                    final Consumer<SyncGroupResponse> respond = m.awaitingSync;
                    m.awaitingSync = null;
                    answerQuietly(() -> respond.accept(syncError(ErrorCode.NOT_COORDINATOR)));
                }
            }
            group.transitionTo(GroupState.DEAD, nowMs);
            groups.remove(group.groupId);
            dropped++;
        }
        LOG.info("Unloaded __consumer_offsets-{}: {} groups dropped", p, dropped);
        return dropped;
    }

    private void checkPartition(final int p)
    {
        if (p < 0 || p >= partitions.length)
        {
            throw new IllegalArgumentException("No partition " + p + " of __consumer_offsets (" + partitions.length + " partitions)");
        }
    }

    private void restore(final ClassicGroup group, final GroupMetadataSnapshot s, final long nowMs)
    {
        group.protocolType = s.protocolType() == null || s.protocolType().isEmpty() ? null : s.protocolType();
        group.generationId = s.generation();
        group.protocolName = s.protocol();
        group.stateTimestampMs = s.currentStateTimestampMs() >= 0 ? s.currentStateTimestampMs() : nowMs;
        for (final GroupMetadataSnapshot.Member m : s.members())
        {
            final List<JoinGroupRequest.Protocol> protocols = s.protocol() == null ? List.of() :
                List.of(new JoinGroupRequest.Protocol(s.protocol(), m.subscription()));
            final GroupMember member = new GroupMember(m.memberId(), m.groupInstanceId(), m.clientId(), m.clientHost(),
                m.rebalanceTimeoutMs(), m.sessionTimeoutMs(), protocols);
            member.assignment = m.assignment();
            member.sessionDeadlineMs = nowMs + m.sessionTimeoutMs();
            group.add(member, group.protocolType);
            scheduleSession(group, member);
        }
        group.leaderId = s.leader() != null && group.members.containsKey(s.leader()) ? s.leader() : group.leaderId;
        group.state = group.members.isEmpty() || group.protocolName == null ? GroupState.EMPTY : GroupState.STABLE;
    }

    /** The offsets partition of a group: Kafka's {@code Utils.abs(groupId.hashCode()) % partitions}. */
    public static int partitionFor(final String groupId, final int numPartitions)
    {
        final int h = groupId.hashCode();
        return (h == Integer.MIN_VALUE ? 0 : Math.abs(h)) % numPartitions;
    }

    public int partitionFor(final String groupId)
    {
        return partitionFor(groupId, partitions.length);
    }

    /** NONE when this coordinator serves the group now, else the error to answer with. */
    public ErrorCode coordinatorError(final String groupId)
    {
        if (partitions.length == 0)
        {
            return ErrorCode.COORDINATOR_NOT_AVAILABLE;
        }
        final PartitionStatus s = partitions[partitionFor(groupId)];
        if (s == null)
        {
            return ErrorCode.NOT_COORDINATOR;
        }
        return switch (s)
        {
            case LOADING -> ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
            case FAILED -> ErrorCode.COORDINATOR_NOT_AVAILABLE;
            case LOADED -> ErrorCode.NONE;
        };
    }

    /** Whether a partition this coordinator owns is still loading (partitions it does not own do not count). */
    private boolean anyLoading()
    {
        for (final PartitionStatus s : partitions)
        {
            if (s == PartitionStatus.LOADING)
            {
                return true;
            }
        }
        return false;
    }

    /** Runs due timeouts; returns the next deadline ({@link Long#MAX_VALUE} for none). */
    public long poll(final long nowMs)
    {
        return timers.poll(nowMs);
    }

    // ---- JoinGroup

    /**
     * JoinGroup. {@code requireKnownMemberId} is true from v4: a new dynamic member is then
     * answered MEMBER_ID_REQUIRED with the id to rejoin with.
     */
    public void joinGroup(final JoinGroupRequest request, final boolean requireKnownMemberId, final String clientId,
        final String clientHost, final long nowMs, final Consumer<JoinGroupResponse> respond)
    {
        final String groupId = request.groupId();
        final String memberId = request.memberId() == null ? "" : request.memberId();
        if (groupId == null || groupId.isEmpty())
        {
            respond.accept(joinError(memberId, ErrorCode.INVALID_GROUP_ID));
            return;
        }
        final ErrorCode coordinator = coordinatorError(groupId);
        if (coordinator != ErrorCode.NONE)
        {
            respond.accept(joinError(memberId, coordinator));
            return;
        }
        if (request.sessionTimeoutMs() < config.minSessionTimeoutMs() || request.sessionTimeoutMs() > config.maxSessionTimeoutMs())
        {
            respond.accept(joinError(memberId, ErrorCode.INVALID_SESSION_TIMEOUT));
            return;
        }
        ClassicGroup group = groups.get(groupId);
        if (memberId.isEmpty())
        {
            final boolean created = group == null;
            if (created)
            {
                group = new ClassicGroup(groupId, partitionFor(groupId), nowMs);
                groups.put(groupId, group);
            }
            joinUnknownMember(group, request, requireKnownMemberId, clientId, clientHost, nowMs, respond);
            if (created && group.is(GroupState.EMPTY) && group.members.isEmpty() && group.pendingJoinMembers.isEmpty())
            {
                groups.remove(groupId);
            }
        }
        else if (group == null)
        {
            respond.accept(joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID));
        }
        else
        {
            joinKnownMember(group, request, memberId, clientId, clientHost, nowMs, respond);
        }
    }

    private void joinUnknownMember(final ClassicGroup group, final JoinGroupRequest request, final boolean requireKnownMemberId,
        final String clientId, final String clientHost, final long nowMs, final Consumer<JoinGroupResponse> respond)
    {
        if (group.is(GroupState.DEAD))
        {
            respond.accept(joinError("", ErrorCode.COORDINATOR_NOT_AVAILABLE));
            return;
        }
        if (!group.supportsProtocols(request.protocolType(), request.protocols()))
        {
            respond.accept(joinError("", ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
            return;
        }
        final String newMemberId = (clientId == null ? "" : clientId) + "-" + idGenerator.get();
        final String instanceId = request.groupInstanceId();
        if (instanceId != null)
        {
            final String existing = group.staticMembers.get(instanceId);
            if (existing != null && group.members.containsKey(existing))
            {
                updateStaticMemberAndRebalance(group, group.members.get(existing), newMemberId, request, nowMs, respond);
                return;
            }
        }
        if (group.members.size() >= config.maxSize())
        {
            respond.accept(joinError("", ErrorCode.GROUP_MAX_SIZE_REACHED));
            return;
        }
        if (instanceId == null && requireKnownMemberId)
        {
            // The client learns its id first and rejoins with it, so a lost response cannot leave a ghost member behind.
            group.pendingJoinMembers.add(newMemberId);
            final String key = pendingKey(group, newMemberId);
            schedule(group, key, nowMs + request.sessionTimeoutMs(), now -> onPendingMemberExpired(group, newMemberId, now));
            respond.accept(new JoinGroupResponse(0, ErrorCode.MEMBER_ID_REQUIRED.code, -1, null, null, "", false,
                newMemberId, List.of()));
            return;
        }
        addMemberAndRebalance(group, newMemberId, request, clientId, clientHost, nowMs, respond);
    }

    private void joinKnownMember(final ClassicGroup group, final JoinGroupRequest request, final String memberId,
        final String clientId, final String clientHost, final long nowMs, final Consumer<JoinGroupResponse> respond)
    {
        if (group.is(GroupState.DEAD))
        {
            respond.accept(joinError(memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE));
            return;
        }
        if (!group.supportsProtocols(request.protocolType(), request.protocols()))
        {
            respond.accept(joinError(memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
            return;
        }
        if (group.pendingJoinMembers.contains(memberId))
        {
            group.pendingJoinMembers.remove(memberId);
            timers.cancel(pendingKey(group, memberId));
            if (group.members.size() >= config.maxSize())
            {
                respond.accept(joinError(memberId, ErrorCode.GROUP_MAX_SIZE_REACHED));
                maybeCompleteJoin(group, nowMs);
                return;
            }
            addMemberAndRebalance(group, memberId, request, clientId, clientHost, nowMs, respond);
            return;
        }
        if (group.isStaticMemberFenced(request.groupInstanceId(), memberId))
        {
            respond.accept(joinError(memberId, ErrorCode.FENCED_INSTANCE_ID));
            return;
        }
        final GroupMember member = group.members.get(memberId);
        if (member == null)
        {
            respond.accept(joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID));
            return;
        }
        switch (group.state)
        {
            case PREPARING_REBALANCE -> updateMemberAndRebalance(group, member, request, nowMs, respond);
            case COMPLETING_REBALANCE ->
            {
                if (member.matches(request.protocols()))
                {
                    // The member lost its JoinGroup response: answer again for the current generation.
                    member.sessionDeadlineMs = nowMs + member.sessionTimeoutMs;
                    respond.accept(joinSuccess(group, member));
                }
                else
                {
                    updateMemberAndRebalance(group, member, request, nowMs, respond);
                }
            }
            case STABLE ->
            {
                if (group.isLeader(memberId) || !member.matches(request.protocols()))
                {
                    // The leader rejoining, or a member whose subscription changed, starts a rebalance.
                    updateMemberAndRebalance(group, member, request, nowMs, respond);
                }
                else
                {
                    member.sessionDeadlineMs = nowMs + member.sessionTimeoutMs;
                    respond.accept(joinSuccess(group, member));
                }
            }
            default -> respond.accept(joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID));
        }
    }

    private void addMemberAndRebalance(final ClassicGroup group, final String memberId, final JoinGroupRequest request,
        final String clientId, final String clientHost, final long nowMs, final Consumer<JoinGroupResponse> respond)
    {
        final GroupMember member = new GroupMember(memberId, request.groupInstanceId(), clientId == null ? "" : clientId,
            clientHost, rebalanceTimeout(request), request.sessionTimeoutMs(), request.protocols());
        member.isNew = true;
        member.joinStartedMs = nowMs;
        member.awaitingJoin = respond;
        member.sessionDeadlineMs = nowMs + member.sessionTimeoutMs;
        if (group.is(GroupState.PREPARING_REBALANCE) && group.generationId == 0)
        {
            group.newMemberAdded = true;
        }
        group.add(member, request.protocolType());
        scheduleSession(group, member);
        maybePrepareRebalance(group, nowMs, "member " + memberId + " joined");
        maybeCompleteJoin(group, nowMs);
    }

    private void updateMemberAndRebalance(final ClassicGroup group, final GroupMember member, final JoinGroupRequest request,
        final long nowMs, final Consumer<JoinGroupResponse> respond)
    {
        member.protocols = List.copyOf(request.protocols());
        member.rebalanceTimeoutMs = rebalanceTimeout(request);
        member.sessionTimeoutMs = request.sessionTimeoutMs();
        member.sessionDeadlineMs = nowMs + member.sessionTimeoutMs;
        member.joinStartedMs = nowMs;
        if (member.awaitingJoin != null)
        {
            member.awaitingJoin.accept(joinError(member.memberId, ErrorCode.REBALANCE_IN_PROGRESS));
        }
        member.awaitingJoin = respond;
        maybePrepareRebalance(group, nowMs, "member " + member.memberId + " rejoined");
        maybeCompleteJoin(group, nowMs);
    }

    /** A static member rejoins with a new member id: the old id is fenced, the instance keeps its place. */
    private void updateStaticMemberAndRebalance(final ClassicGroup group, final GroupMember member, final String newMemberId,
        final JoinGroupRequest request, final long nowMs, final Consumer<JoinGroupResponse> respond)
    {
        final String oldMemberId = member.memberId;
        final boolean wasLeader = group.isLeader(oldMemberId);
        final boolean sameProtocols = member.matches(request.protocols());
        final List<JoinGroupRequest.Protocol> oldProtocols = member.protocols;
        final int oldRebalanceTimeoutMs = member.rebalanceTimeoutMs;
        final int oldSessionTimeoutMs = member.sessionTimeoutMs;
        final long oldSessionDeadlineMs = member.sessionDeadlineMs;
        if (member.awaitingJoin != null)
        {
            member.awaitingJoin.accept(joinError(oldMemberId, ErrorCode.FENCED_INSTANCE_ID));
            member.awaitingJoin = null;
        }
        if (member.awaitingSync != null)
        {
            member.awaitingSync.accept(syncError(ErrorCode.FENCED_INSTANCE_ID));
            member.awaitingSync = null;
        }
        timers.cancel(sessionKey(group, oldMemberId));
        group.replaceMemberId(member, newMemberId);
        member.protocols = List.copyOf(request.protocols());
        member.rebalanceTimeoutMs = rebalanceTimeout(request);
        member.sessionTimeoutMs = request.sessionTimeoutMs();
        member.sessionDeadlineMs = nowMs + member.sessionTimeoutMs;
        scheduleSession(group, member);
        LOG.info("Static member {} of group {} rejoined: member id {} replaces {}", member.groupInstanceId, group.groupId,
            newMemberId, oldMemberId);
        if (group.is(GroupState.STABLE) && !wasLeader && sameProtocols)
        {
            // Nothing changed but the id: store it (so a coordinator restart knows it) and answer without a rebalance.
            final int generation = group.generationId;
            final Once<JoinGroupResponse> answer = new Once<>(respond);
            persistGroup(group, null, nowMs, error ->
            {
                final boolean current = groups.get(group.groupId) == group && group.members.get(newMemberId) == member;
                if (error != ErrorCode.NONE)
                {
                    // As Kafka: the new id was not stored, so the old one stays the member's (with its session) and the join fails.
                    LOG.warn("Could not store group {} after static member {} rejoined: {}; keeping member id {}", group.groupId,
                        member.groupInstanceId, error, oldMemberId);
                    if (current)
                    {
                        timers.cancel(sessionKey(group, newMemberId));
                        group.replaceMemberId(member, oldMemberId);
                        member.protocols = oldProtocols;
                        member.rebalanceTimeoutMs = oldRebalanceTimeoutMs;
                        member.sessionTimeoutMs = oldSessionTimeoutMs;
                        member.sessionDeadlineMs = oldSessionDeadlineMs;
                        scheduleSession(group, member);
                    }
                    answer.accept(joinError("", storeError(error)));
                }
                else if (current && group.generationId == generation)
                {
                    answer.accept(joinSuccess(group, member));
                }
                else if (groups.get(group.groupId) != group)
                {
                    answer.accept(joinError(newMemberId, ErrorCode.NOT_COORDINATOR));
                }
                else
                {
                    answer.accept(joinError(newMemberId, ErrorCode.REBALANCE_IN_PROGRESS));
                }
            }, () -> answer.accept(joinError(newMemberId, ErrorCode.UNKNOWN_SERVER_ERROR)));
            return;
        }
        member.awaitingJoin = respond;
        member.joinStartedMs = nowMs;
        if (group.is(GroupState.PREPARING_REBALANCE))
        {
            maybeCompleteJoin(group, nowMs);
        }
        else
        {
            prepareRebalance(group, nowMs, "static member " + member.groupInstanceId + " rejoined");
        }
    }

    private static int rebalanceTimeout(final JoinGroupRequest request)
    {
        // JoinGroup v0 has no rebalance timeout: the session timeout serves as both.
        return request.rebalanceTimeoutMs() > 0 ? request.rebalanceTimeoutMs() : request.sessionTimeoutMs();
    }

    private void onPendingMemberExpired(final ClassicGroup group, final String memberId, final long nowMs)
    {
        if (group.pendingJoinMembers.remove(memberId))
        {
            maybeCompleteJoin(group, nowMs);
            maybeRemoveIfUnused(group);
        }
    }

    // ---- rebalance phases

    private void maybePrepareRebalance(final ClassicGroup group, final long nowMs, final String reason)
    {
        if (group.is(GroupState.STABLE) || group.is(GroupState.COMPLETING_REBALANCE) || group.is(GroupState.EMPTY))
        {
            prepareRebalance(group, nowMs, reason);
        }
    }

    private void prepareRebalance(final ClassicGroup group, final long nowMs, final String reason)
    {
        if (group.is(GroupState.COMPLETING_REBALANCE))
        {
            resetAndPropagateAssignmentError(group, ErrorCode.REBALANCE_IN_PROGRESS);
        }
        group.pendingSyncMembers.clear();
        timers.cancel(syncKey(group));
        final boolean fromEmpty = group.is(GroupState.EMPTY);
        group.transitionTo(GroupState.PREPARING_REBALANCE, nowMs);
        LOG.info("Preparing to rebalance group {} in state PreparingRebalance with old generation {} (reason: {})",
            group.groupId, group.generationId, reason);
        if (fromEmpty)
        {
            final int delay = config.initialRebalanceDelayMs();
            group.initialDelayActive = true;
            group.newMemberAdded = false;
            group.initialDelayRemainingMs = Math.max(group.rebalanceTimeoutMs() - delay, 0);
            schedule(group, joinKey(group), nowMs + delay, now -> onInitialDelayExpired(group, now));
        }
        else
        {
            group.initialDelayActive = false;
            schedule(group, joinKey(group), nowMs + group.rebalanceTimeoutMs(), now -> onRebalanceTimeout(group, now));
        }
        maybeCompleteJoin(group, nowMs);
    }

    private void onInitialDelayExpired(final ClassicGroup group, final long nowMs)
    {
        if (!group.is(GroupState.PREPARING_REBALANCE) || groups.get(group.groupId) != group)
        {
            return;
        }
        if (group.newMemberAdded && group.initialDelayRemainingMs > 0)
        {
            // Members are still arriving: wait one more delay (bounded by the rebalance timeout).
            group.newMemberAdded = false;
            final long delay = Math.min(config.initialRebalanceDelayMs(), group.initialDelayRemainingMs);
            group.initialDelayRemainingMs = Math.max(group.initialDelayRemainingMs - delay, 0);
            schedule(group, joinKey(group), nowMs + delay, now -> onInitialDelayExpired(group, now));
            return;
        }
        group.initialDelayActive = false;
        completeJoin(group, nowMs);
    }

    private void onRebalanceTimeout(final ClassicGroup group, final long nowMs)
    {
        if (group.is(GroupState.PREPARING_REBALANCE) && groups.get(group.groupId) == group)
        {
            completeJoin(group, nowMs);
        }
    }

    private void maybeCompleteJoin(final ClassicGroup group, final long nowMs)
    {
        if (group.is(GroupState.PREPARING_REBALANCE) && !group.initialDelayActive && group.hasAllMembersJoined())
        {
            completeJoin(group, nowMs);
        }
    }

    /** Ends the join phase: drops dynamic members that did not rejoin, starts the next generation, answers the joiners. */
    private void completeJoin(final ClassicGroup group, final long nowMs)
    {
        timers.cancel(joinKey(group));
        group.initialDelayActive = false;
        for (final GroupMember m : new ArrayList<>(group.members.values()))
        {
            if (!m.isAwaitingJoin() && !m.isStatic())
            {
                LOG.info("Member {} of group {} did not rejoin within the rebalance timeout; removing it", m.memberId,
                    group.groupId);
                removeQuietly(group, m);
            }
        }
        if (!group.members.isEmpty() && !group.maybeElectNewJoinedLeader())
        {
            // Only static members that have not rejoined remain: give them another rebalance timeout.
            schedule(group, joinKey(group), nowMs + group.rebalanceTimeoutMs(), now -> onRebalanceTimeout(group, now));
            return;
        }
        group.generationId++;
        if (group.members.isEmpty())
        {
            group.protocolName = null;
            group.leaderId = null;
            group.transitionTo(GroupState.EMPTY, nowMs);
            LOG.info("Group {} with generation {} is now empty", group.groupId, group.generationId);
            persistGroup(group, null, nowMs, error -> logStoreError(group, error), null);
            return;
        }
        group.protocolName = group.selectProtocol();
        group.transitionTo(GroupState.COMPLETING_REBALANCE, nowMs);
        LOG.info("Stabilized group {} generation {} with {} members (protocol {}, leader {})", group.groupId,
            group.generationId, group.members.size(), group.protocolName, group.leaderId);
        for (final GroupMember m : group.members.values())
        {
            if (m.awaitingJoin != null)
            {
                final Consumer<JoinGroupResponse> respond = m.awaitingJoin;
                m.awaitingJoin = null;
                m.isNew = false;
                m.sessionDeadlineMs = nowMs + m.sessionTimeoutMs;
                respond.accept(joinSuccess(group, m));
            }
            group.pendingSyncMembers.add(m.memberId);
        }
        final int generation = group.generationId;
        schedule(group, syncKey(group), nowMs + group.rebalanceTimeoutMs(), now -> onSyncTimeout(group, generation, now));
    }

    private void onSyncTimeout(final ClassicGroup group, final int generation, final long nowMs)
    {
        if (groups.get(group.groupId) != group || group.generationId != generation || group.pendingSyncMembers.isEmpty() ||
            !(group.is(GroupState.COMPLETING_REBALANCE) || group.is(GroupState.STABLE)))
        {
            return;
        }
        for (final String memberId : new ArrayList<>(group.pendingSyncMembers))
        {
            final GroupMember m = group.members.get(memberId);
            if (m != null)
            {
                LOG.info("Member {} of group {} did not sync within the rebalance timeout; removing it", memberId, group.groupId);
                removeQuietly(group, m);
            }
        }
        prepareRebalance(group, nowMs, "members did not sync in time");
    }

    private JoinGroupResponse joinSuccess(final ClassicGroup group, final GroupMember member)
    {
        final boolean leader = group.isLeader(member.memberId);
        return new JoinGroupResponse(0, ErrorCode.NONE.code, group.generationId, group.protocolType, group.protocolName,
            group.leaderId, false, member.memberId, leader ? group.memberMetadata() : List.of());
    }

    private static JoinGroupResponse joinError(final String memberId, final ErrorCode error)
    {
        return new JoinGroupResponse(0, error.code, -1, null, null, "", false, memberId, List.of());
    }

    // ---- SyncGroup

    public void syncGroup(final SyncGroupRequest request, final long nowMs, final Consumer<SyncGroupResponse> respond)
    {
        final String groupId = request.groupId();
        if (groupId == null || groupId.isEmpty())
        {
            respond.accept(syncError(ErrorCode.INVALID_GROUP_ID));
            return;
        }
        final ErrorCode coordinator = coordinatorError(groupId);
        if (coordinator != ErrorCode.NONE)
        {
            respond.accept(syncError(coordinator));
            return;
        }
        final ClassicGroup group = groups.get(groupId);
        final ErrorCode error = validateMember(group, request.memberId(), request.groupInstanceId(), request.generationId());
        if (error != ErrorCode.NONE)
        {
            respond.accept(syncError(error));
            return;
        }
        if ((request.protocolType() != null && !request.protocolType().equals(group.protocolType)) ||
            (request.protocolName() != null && !request.protocolName().equals(group.protocolName)))
        {
            respond.accept(syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
            return;
        }
        final GroupMember member = group.members.get(request.memberId());
        switch (group.state)
        {
            case PREPARING_REBALANCE -> respond.accept(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
            case COMPLETING_REBALANCE ->
            {
                group.pendingSyncMembers.remove(member.memberId);
                if (member.awaitingSync != null)
                {
                    member.awaitingSync.accept(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
                }
                member.awaitingSync = respond;
                member.sessionDeadlineMs = nowMs + member.sessionTimeoutMs;
                if (group.isLeader(member.memberId))
                {
                    onLeaderAssignment(group, request, nowMs);
                }
            }
            case STABLE ->
            {
                group.pendingSyncMembers.remove(member.memberId);
                member.sessionDeadlineMs = nowMs + member.sessionTimeoutMs;
                respond.accept(new SyncGroupResponse(0, ErrorCode.NONE.code, group.protocolType, group.protocolName,
                    member.assignment));
            }
            default -> respond.accept(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
        }
    }

    private void onLeaderAssignment(final ClassicGroup group, final SyncGroupRequest request, final long nowMs)
    {
        final Map<String, byte[]> assignment = new LinkedHashMap<>();
        for (final GroupMember m : group.members.values())
        {
            assignment.put(m.memberId, GroupMember.EMPTY_BYTES);
        }
        for (final SyncGroupRequest.Assignment a : request.assignments())
        {
            if (assignment.containsKey(a.memberId()))
            {
                assignment.put(a.memberId(), a.assignment() == null ? GroupMember.EMPTY_BYTES : a.assignment());
            }
        }
        final int generation = group.generationId;
        persistGroup(group, assignment, nowMs, error ->
        {
            // Members may have joined or left while the write was in flight: act only on the same generation.
            if (!group.is(GroupState.COMPLETING_REBALANCE) || group.generationId != generation || groups.get(group.groupId) != group)
            {
                return;
            }
            if (error != ErrorCode.NONE)
            {
                LOG.warn("Could not store the assignment of group {} generation {}: {}", group.groupId, generation, error);
                resetAndPropagateAssignmentError(group, storeError(error));
                maybePrepareRebalance(group, nowMs, "the assignment could not be stored");
                return;
            }
            for (final GroupMember m : group.members.values())
            {
                m.assignment = assignment.getOrDefault(m.memberId, GroupMember.EMPTY_BYTES);
            }
            group.transitionTo(GroupState.STABLE, nowMs);
            for (final GroupMember m : group.members.values())
            {
                if (m.awaitingSync != null)
                {
                    final Consumer<SyncGroupResponse> respond = m.awaitingSync;
                    m.awaitingSync = null;
                    respond.accept(new SyncGroupResponse(0, ErrorCode.NONE.code, group.protocolType, group.protocolName,
                        m.assignment));
                }
            }
        }, null);
    }

    private void resetAndPropagateAssignmentError(final ClassicGroup group, final ErrorCode error)
    {
        for (final GroupMember m : group.members.values())
        {
            m.assignment = GroupMember.EMPTY_BYTES;
            if (m.awaitingSync != null)
            {
                final Consumer<SyncGroupResponse> respond = m.awaitingSync;
                m.awaitingSync = null;
                respond.accept(syncError(error));
            }
        }
    }

    private static SyncGroupResponse syncError(final ErrorCode error)
    {
        return new SyncGroupResponse(0, error.code, null, null, GroupMember.EMPTY_BYTES);
    }

    /** The checks shared by SyncGroup and Heartbeat (Kafka's order). */
    private static ErrorCode validateMember(final ClassicGroup group, final String memberId, final String instanceId,
        final int generationId)
    {
        if (group == null)
        {
            return ErrorCode.UNKNOWN_MEMBER_ID;
        }
        if (group.is(GroupState.DEAD))
        {
            return ErrorCode.COORDINATOR_NOT_AVAILABLE;
        }
        if (group.isStaticMemberFenced(instanceId, memberId))
        {
            return ErrorCode.FENCED_INSTANCE_ID;
        }
        if (memberId == null || !group.members.containsKey(memberId))
        {
            return ErrorCode.UNKNOWN_MEMBER_ID;
        }
        if (generationId != group.generationId)
        {
            return ErrorCode.ILLEGAL_GENERATION;
        }
        return ErrorCode.NONE;
    }

    // ---- Heartbeat and LeaveGroup

    public ErrorCode heartbeat(final HeartbeatRequest request, final long nowMs)
    {
        if (request.groupId() == null || request.groupId().isEmpty())
        {
            return ErrorCode.INVALID_GROUP_ID;
        }
        final ErrorCode coordinator = coordinatorError(request.groupId());
        if (coordinator == ErrorCode.COORDINATOR_LOAD_IN_PROGRESS)
        {
            // As Kafka: the group is still loading, so the heartbeat is answered blindly; its member is checked once loaded.
            return ErrorCode.NONE;
        }
        if (coordinator != ErrorCode.NONE)
        {
            return coordinator;
        }
        final ClassicGroup group = groups.get(request.groupId());
        final ErrorCode error = validateMember(group, request.memberId(), request.groupInstanceId(), request.generationId());
        if (error != ErrorCode.NONE)
        {
            return error;
        }
        final GroupMember member = group.members.get(request.memberId());
        return switch (group.state)
        {
            case PREPARING_REBALANCE ->
            {
                member.sessionDeadlineMs = nowMs + member.sessionTimeoutMs;
                yield ErrorCode.REBALANCE_IN_PROGRESS;
            }
            case COMPLETING_REBALANCE, STABLE ->
            {
                member.sessionDeadlineMs = nowMs + member.sessionTimeoutMs;
                yield ErrorCode.NONE;
            }
            default -> ErrorCode.UNKNOWN_MEMBER_ID;
        };
    }

    /** LeaveGroup for a batch of members (one member, with no instance id, before v3). */
    public LeaveGroupResponse leaveGroup(final String groupId, final List<LeaveGroupRequest.MemberIdentity> leaving,
        final long nowMs)
    {
        if (groupId == null || groupId.isEmpty())
        {
            return new LeaveGroupResponse(0, ErrorCode.INVALID_GROUP_ID.code, List.of());
        }
        final ErrorCode coordinator = coordinatorError(groupId);
        if (coordinator != ErrorCode.NONE)
        {
            return new LeaveGroupResponse(0, coordinator.code, List.of());
        }
        final ClassicGroup group = groups.get(groupId);
        final List<LeaveGroupResponse.MemberResponse> results = new ArrayList<>(leaving.size());
        if (group != null && group.is(GroupState.DEAD))
        {
            return new LeaveGroupResponse(0, ErrorCode.COORDINATOR_NOT_AVAILABLE.code, List.of());
        }
        for (final LeaveGroupRequest.MemberIdentity m : leaving)
        {
            results.add(new LeaveGroupResponse.MemberResponse(m.memberId(), m.groupInstanceId(),
                group == null ? ErrorCode.UNKNOWN_MEMBER_ID.code : leaveOne(group, m, nowMs).code));
        }
        return new LeaveGroupResponse(0, ErrorCode.NONE.code, results);
    }

    private ErrorCode leaveOne(final ClassicGroup group, final LeaveGroupRequest.MemberIdentity leaving, final long nowMs)
    {
        final String memberId = leaving.memberId() == null ? "" : leaving.memberId();
        if (memberId.isEmpty())
        {
            // An administrator removing a static member by instance id.
            final String current = leaving.groupInstanceId() == null ? null : group.staticMembers.get(leaving.groupInstanceId());
            if (current == null || !group.members.containsKey(current))
            {
                return ErrorCode.UNKNOWN_MEMBER_ID;
            }
            removeMemberAndUpdateGroup(group, group.members.get(current), nowMs, "static member removed by instance id");
            return ErrorCode.NONE;
        }
        if (group.pendingJoinMembers.remove(memberId))
        {
            timers.cancel(pendingKey(group, memberId));
            maybeCompleteJoin(group, nowMs);
            return ErrorCode.NONE;
        }
        if (group.isStaticMemberFenced(leaving.groupInstanceId(), memberId))
        {
            return ErrorCode.FENCED_INSTANCE_ID;
        }
        final GroupMember member = group.members.get(memberId);
        if (member == null)
        {
            return ErrorCode.UNKNOWN_MEMBER_ID;
        }
        LOG.info("Member {} of group {} is leaving{}", memberId, group.groupId,
            leaving.reason() == null ? "" : " (" + leaving.reason() + ")");
        removeMemberAndUpdateGroup(group, member, nowMs, "member " + memberId + " left");
        return ErrorCode.NONE;
    }

    // ---- members leaving and sessions

    private void scheduleSession(final ClassicGroup group, final GroupMember member)
    {
        final String memberId = member.memberId;
        schedule(group, sessionKey(group, memberId), member.sessionDeadlineMs, now -> onSessionTimer(group, member, memberId, now));
    }

    /**
     * The member's session timer fired. Its deadline moves with every heartbeat without touching
     * the timer, so the timer first checks whether the session really ended; members waiting in
     * a join or sync phase are kept alive (a new member for at most {@link #NEW_MEMBER_JOIN_TIMEOUT_MS}).
     */
    private void onSessionTimer(final ClassicGroup group, final GroupMember member, final String memberId, final long nowMs)
    {
        if (groups.get(group.groupId) != group || group.members.get(memberId) != member)
        {
            return;
        }
        final boolean keepAlive;
        if (member.awaitingJoin != null)
        {
            keepAlive = !member.isNew || nowMs < member.joinStartedMs + NEW_MEMBER_JOIN_TIMEOUT_MS;
        }
        else
        {
            keepAlive = member.awaitingSync != null || nowMs < member.sessionDeadlineMs;
        }
        if (keepAlive)
        {
            final long next = member.sessionDeadlineMs > nowMs ? member.sessionDeadlineMs : nowMs + Math.max(1, member.sessionTimeoutMs);
            schedule(group, sessionKey(group, memberId), next, now -> onSessionTimer(group, member, memberId, now));
            return;
        }
        LOG.info("Member {} of group {} has failed (session timeout {} ms); removing it", memberId, group.groupId,
            member.sessionTimeoutMs);
        removeMemberAndUpdateGroup(group, member, nowMs, "member " + memberId + " session expired");
    }

    private void removeMemberAndUpdateGroup(final ClassicGroup group, final GroupMember member, final long nowMs,
        final String reason)
    {
        removeQuietly(group, member);
        switch (group.state)
        {
            case STABLE, COMPLETING_REBALANCE -> prepareRebalance(group, nowMs, reason);
            case PREPARING_REBALANCE -> maybeCompleteJoin(group, nowMs);
            default ->
            {
            }
        }
    }

    /** Removes a member, answering any request it still waits on (UNKNOWN_MEMBER_ID: it should rejoin if alive). */
    private void removeQuietly(final ClassicGroup group, final GroupMember member)
    {
        if (member.awaitingJoin != null)
        {
            final Consumer<JoinGroupResponse> respond = member.awaitingJoin;
            member.awaitingJoin = null;
            respond.accept(joinError("", ErrorCode.UNKNOWN_MEMBER_ID));
        }
        if (member.awaitingSync != null)
        {
            final Consumer<SyncGroupResponse> respond = member.awaitingSync;
            member.awaitingSync = null;
            respond.accept(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
        }
        group.remove(member.memberId);
        timers.cancel(sessionKey(group, member.memberId));
    }

    // ---- OffsetCommit and OffsetFetch

    public void commitOffsets(final OffsetCommitRequest request, final long nowMs, final Consumer<OffsetCommitResponse> respond)
    {
        final String groupId = request.groupId();
        ErrorCode error = groupId == null || groupId.isEmpty() ? ErrorCode.INVALID_GROUP_ID : coordinatorError(groupId);
        ClassicGroup group = error == ErrorCode.NONE ? groups.get(groupId) : null;
        if (error == ErrorCode.NONE)
        {
            if (group == null)
            {
                if (request.generationIdOrMemberEpoch() < 0)
                {
                    // A consumer using assign() (or an admin tool): the group exists only to hold offsets.
                    group = new ClassicGroup(groupId, partitionFor(groupId), nowMs);
                    groups.put(groupId, group);
                }
                else
                {
                    error = ErrorCode.ILLEGAL_GENERATION;
                }
            }
            if (group != null)
            {
                error = validateOffsetCommit(group, request);
            }
        }
        if (error != ErrorCode.NONE)
        {
            respond.accept(commitResponse(request, error, Map.of()));
            return;
        }
        final ClassicGroup target = group;
        final GroupMember member = request.memberId() == null ? null : target.members.get(request.memberId());
        if (member != null)
        {
            member.sessionDeadlineMs = nowMs + member.sessionTimeoutMs;
        }
        final Map<TopicPartition, ErrorCode> errors = new HashMap<>();
        final Map<TopicPartition, CommittedOffset> accepted = new LinkedHashMap<>();
        final List<OffsetsRecord> records = new ArrayList<>();
        for (final OffsetCommitRequest.Topic t : request.topics())
        {
            for (final OffsetCommitRequest.Partition p : t.partitions())
            {
                final TopicPartition tp = new TopicPartition(t.name(), p.partitionIndex());
                if (t.name() == null || !partitionExists.test(tp))
                {
                    errors.put(tp, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
                }
                else if (p.committedMetadata() != null && p.committedMetadata().length() > config.offsetMetadataMaxBytes())
                {
                    errors.put(tp, ErrorCode.OFFSET_METADATA_TOO_LARGE);
                }
                else
                {
                    // Kafka's OffsetCommitValue.metadata is not nullable: a null from the client is stored (and fetched) as "".
                    final CommittedOffset offset = new CommittedOffset(p.committedOffset(), p.committedLeaderEpoch(),
                        p.committedMetadata() == null ? "" : p.committedMetadata(), nowMs);
                    accepted.put(tp, offset);
                    records.add(new OffsetsRecord(OffsetsTopicFormat.offsetCommitKey(groupId, tp.topic(), tp.partition()),
                        OffsetsTopicFormat.offsetCommitValue(offset)));
                }
            }
        }
        if (records.isEmpty())
        {
            maybeRemoveIfUnused(target);
            respond.accept(commitResponse(request, ErrorCode.NONE, errors));
            return;
        }
        target.pendingCommits++;
        for (final TopicPartition tp : accepted.keySet())
        {
            target.pendingCommitPartitions.merge(tp, 1, Integer::sum);
        }
        final Once<OffsetCommitResponse> answer = new Once<>(respond);
        append(target, records, nowMs, appendError ->
        {
            target.pendingCommits--;
            for (final TopicPartition tp : accepted.keySet())
            {
                target.pendingCommitPartitions.computeIfPresent(tp, (k, n) -> n > 1 ? n - 1 : null);
            }
            if (appendError == ErrorCode.NONE)
            {
                if (!target.is(GroupState.DEAD))
                {
                    target.offsets.putAll(accepted);
                }
            }
            else
            {
                LOG.warn("Could not store offsets of group {}: {}", groupId, appendError);
                final ErrorCode mapped = storeError(appendError);
                for (final TopicPartition tp : accepted.keySet())
                {
                    errors.put(tp, mapped);
                }
                maybeRemoveIfUnused(target);
            }
            answer.accept(commitResponse(request, ErrorCode.NONE, errors));
        }, () -> answer.accept(commitResponse(request, ErrorCode.UNKNOWN_SERVER_ERROR, Map.of())));
    }

    /** Kafka's rules for who may commit: members of the current generation, or anyone while the group is Empty. */
    private static ErrorCode validateOffsetCommit(final ClassicGroup group, final OffsetCommitRequest request)
    {
        if (group.is(GroupState.DEAD))
        {
            return ErrorCode.COORDINATOR_NOT_AVAILABLE;
        }
        final int generation = request.generationIdOrMemberEpoch();
        final String memberId = request.memberId() == null ? "" : request.memberId();
        if (generation < 0 && group.is(GroupState.EMPTY))
        {
            return ErrorCode.NONE;
        }
        if (generation >= 0 || !memberId.isEmpty() || request.groupInstanceId() != null)
        {
            if (group.isStaticMemberFenced(request.groupInstanceId(), memberId))
            {
                return ErrorCode.FENCED_INSTANCE_ID;
            }
            if (!group.members.containsKey(memberId))
            {
                return ErrorCode.UNKNOWN_MEMBER_ID;
            }
            if (generation != group.generationId)
            {
                return ErrorCode.ILLEGAL_GENERATION;
            }
        }
        else if (!group.is(GroupState.EMPTY))
        {
            return ErrorCode.UNKNOWN_MEMBER_ID;
        }
        if (group.is(GroupState.COMPLETING_REBALANCE))
        {
            return ErrorCode.REBALANCE_IN_PROGRESS;
        }
        return ErrorCode.NONE;
    }

    private static OffsetCommitResponse commitResponse(final OffsetCommitRequest request, final ErrorCode all,
        final Map<TopicPartition, ErrorCode> errors)
    {
        final List<OffsetCommitResponse.Topic> topics = new ArrayList<>(request.topics().size());
        for (final OffsetCommitRequest.Topic t : request.topics())
        {
            final List<OffsetCommitResponse.Partition> parts = new ArrayList<>(t.partitions().size());
            for (final OffsetCommitRequest.Partition p : t.partitions())
            {
                final ErrorCode e = all != ErrorCode.NONE ? all :
                    errors.getOrDefault(new TopicPartition(t.name(), p.partitionIndex()), ErrorCode.NONE);
                parts.add(new OffsetCommitResponse.Partition(p.partitionIndex(), e.code));
            }
            topics.add(new OffsetCommitResponse.Topic(t.name(), parts));
        }
        return new OffsetCommitResponse(0, topics);
    }

    /**
     * OffsetFetch for one group: the requested partitions (or, for null topics, every partition
     * with a committed offset); an uncommitted partition reads as offset -1.
     */
    public OffsetFetchResponse.Group fetchOffsets(final String groupId, final List<OffsetFetchRequest.Topic> topics)
    {
        final ErrorCode error = groupId == null || groupId.isEmpty() ? ErrorCode.INVALID_GROUP_ID : coordinatorError(groupId);
        if (error != ErrorCode.NONE)
        {
            return new OffsetFetchResponse.Group(groupId, List.of(), error.code);
        }
        final ClassicGroup group = groups.get(groupId);
        final Map<TopicPartition, CommittedOffset> offsets = group == null ? Map.of() : group.offsets;
        final List<OffsetFetchResponse.Topic> out = new ArrayList<>();
        if (topics == null)
        {
            final Map<String, TreeMap<Integer, CommittedOffset>> byTopic = new TreeMap<>();
            for (final Map.Entry<TopicPartition, CommittedOffset> e : offsets.entrySet())
            {
                byTopic.computeIfAbsent(e.getKey().topic(), t -> new TreeMap<>()).put(e.getKey().partition(), e.getValue());
            }
            for (final Map.Entry<String, TreeMap<Integer, CommittedOffset>> t : byTopic.entrySet())
            {
                final List<OffsetFetchResponse.Partition> parts = new ArrayList<>();
                for (final Map.Entry<Integer, CommittedOffset> p : t.getValue().entrySet())
                {
                    parts.add(fetched(p.getKey(), p.getValue()));
                }
                out.add(new OffsetFetchResponse.Topic(t.getKey(), parts));
            }
        }
        else
        {
            for (final OffsetFetchRequest.Topic t : topics)
            {
                final List<OffsetFetchResponse.Partition> parts = new ArrayList<>();
                for (final Integer p : t.partitionIndexes())
                {
                    parts.add(fetched(p, offsets.get(new TopicPartition(t.name(), p))));
                }
                out.add(new OffsetFetchResponse.Topic(t.name(), parts));
            }
        }
        return new OffsetFetchResponse.Group(groupId, out, ErrorCode.NONE.code);
    }

    private static OffsetFetchResponse.Partition fetched(final int partition, final CommittedOffset offset)
    {
        if (offset == null)
        {
            return new OffsetFetchResponse.Partition(partition, -1, -1, "", ErrorCode.NONE.code);
        }
        return new OffsetFetchResponse.Partition(partition, offset.offset(), offset.leaderEpoch(), offset.metadata(),
            ErrorCode.NONE.code);
    }

    // ---- ListGroups, DescribeGroups, DeleteGroups

    /** ListGroups; empty filters match everything, and both compare without regard to case. */
    public ListGroupsResponse listGroups(final List<String> statesFilter, final List<String> typesFilter)
    {
        final List<ListGroupsResponse.ListedGroup> out = new ArrayList<>();
        if (typesFilter.isEmpty() || typesFilter.stream().anyMatch(CLASSIC_GROUP_TYPE::equalsIgnoreCase))
        {
            final List<String> states = statesFilter.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
            for (final ClassicGroup g : new TreeMap<>(groups).values())
            {
                if (g.is(GroupState.DEAD) || (!states.isEmpty() && !states.contains(g.state.kafkaName().toLowerCase(Locale.ROOT))))
                {
                    continue;
                }
                out.add(new ListGroupsResponse.ListedGroup(g.groupId, g.protocolType == null ? "" : g.protocolType,
                    g.state.kafkaName(), CLASSIC_GROUP_TYPE));
            }
        }
        final ErrorCode error = anyLoading() ? ErrorCode.COORDINATOR_LOAD_IN_PROGRESS : ErrorCode.NONE;
        return new ListGroupsResponse(0, error.code, out);
    }

    /**
     * DescribeGroups for one group. A Stable group shows each member's metadata for the selected
     * protocol and its assignment; other states show members without them. An unknown group
     * is described as Dead with no members, as Kafka does.
     */
    public DescribeGroupsResponse.DescribedGroup describeGroup(final String groupId)
    {
        final ErrorCode error = groupId == null || groupId.isEmpty() ? ErrorCode.INVALID_GROUP_ID : coordinatorError(groupId);
        final int omitted = DescribeGroupsResponse.AUTHORIZED_OPERATIONS_OMITTED;
        if (error != ErrorCode.NONE)
        {
            return new DescribeGroupsResponse.DescribedGroup(error.code, groupId, "", "", "", List.of(), omitted);
        }
        final ClassicGroup g = groups.get(groupId);
        if (g == null)
        {
            return new DescribeGroupsResponse.DescribedGroup(ErrorCode.NONE.code, groupId, GroupState.DEAD.kafkaName(), "", "",
                List.of(), omitted);
        }
        final boolean stable = g.is(GroupState.STABLE);
        final List<DescribeGroupsResponse.Member> members = new ArrayList<>();
        for (final GroupMember m : g.members.values())
        {
            members.add(new DescribeGroupsResponse.Member(m.memberId, m.groupInstanceId, m.clientId, m.clientHost,
                stable ? m.metadata(g.protocolName) : GroupMember.EMPTY_BYTES, stable ? m.assignment : GroupMember.EMPTY_BYTES));
        }
        return new DescribeGroupsResponse.DescribedGroup(ErrorCode.NONE.code, groupId, g.state.kafkaName(),
            g.protocolType == null ? "" : g.protocolType, stable ? g.protocolName : "", members, omitted);
    }

    /** DeleteGroups: only Empty groups; their offsets and metadata are tombstoned before the answer. */
    public void deleteGroups(final List<String> groupIds, final long nowMs, final Consumer<DeleteGroupsResponse> respond)
    {
        final DeleteGroupsResponse.DeletableGroupResult[] results = new DeleteGroupsResponse.DeletableGroupResult[groupIds.size()];
        final int[] outstanding = {1};
        final Runnable maybeRespond = () ->
        {
            if (--outstanding[0] == 0)
            {
                respond.accept(new DeleteGroupsResponse(0, List.of(results)));
            }
        };
        for (int i = 0; i < groupIds.size(); i++)
        {
            final String groupId = groupIds.get(i);
            final int index = i;
            ErrorCode error = groupId == null || groupId.isEmpty() ? ErrorCode.INVALID_GROUP_ID : coordinatorError(groupId);
            final ClassicGroup group = error == ErrorCode.NONE ? groups.get(groupId) : null;
            if (error == ErrorCode.NONE)
            {
                if (group == null || group.is(GroupState.DEAD))
                {
                    error = ErrorCode.GROUP_ID_NOT_FOUND;
                }
                else if (!group.is(GroupState.EMPTY) || group.pendingCommits > 0)
                {
                    // Commits in flight would land after the tombstones and bring the deleted offsets back.
                    error = ErrorCode.NON_EMPTY_GROUP;
                }
            }
            if (error != ErrorCode.NONE)
            {
                results[index] = new DeleteGroupsResponse.DeletableGroupResult(groupId, error.code);
                continue;
            }
            final List<OffsetsRecord> tombstones = tombstones(group, group.offsets.keySet(), true);
            group.transitionTo(GroupState.DEAD, nowMs);
            groups.remove(groupId);
            cancelGroupTimers(group);
            outstanding[0]++;
            append(group, tombstones, nowMs, appendError ->
            {
                results[index] = new DeleteGroupsResponse.DeletableGroupResult(groupId, storeError(appendError).code);
                maybeRespond.run();
            }, null);
            LOG.info("Deleted group {} ({} committed offsets)", groupId, group.offsets.size());
        }
        maybeRespond.run();
    }

    /**
     * OffsetDelete: drops a group's committed offsets for the given partitions (tombstones, then
     * the cache once they are stored). As Kafka: an Empty group loses any of them; a live group
     * with the consumer protocol only those of topics none of its members subscribes to (the
     * others get GROUP_SUBSCRIBED_TO_TOPIC); a live group of another protocol, whose subscriptions
     * the coordinator cannot read, gets NON_EMPTY_GROUP. A partition without an offset succeeds.
     */
    public void deleteOffsets(final OffsetDeleteRequest request, final long nowMs, final Consumer<OffsetDeleteResponse> respond)
    {
        final String groupId = request.groupId();
        ErrorCode error = groupId == null || groupId.isEmpty() ? ErrorCode.INVALID_GROUP_ID : coordinatorError(groupId);
        final ClassicGroup group = error == ErrorCode.NONE ? groups.get(groupId) : null;
        if (error == ErrorCode.NONE && (group == null || group.is(GroupState.DEAD)))
        {
            error = ErrorCode.GROUP_ID_NOT_FOUND;
        }
        Set<String> subscribed = Set.of();
        if (error == ErrorCode.NONE && !group.is(GroupState.EMPTY))
        {
            subscribed = subscribedTopics(group);
            if (subscribed == null)
            {
                error = ErrorCode.NON_EMPTY_GROUP;
            }
        }
        if (error != ErrorCode.NONE)
        {
            respond.accept(new OffsetDeleteResponse(error.code, 0, List.of()));
            return;
        }
        final List<TopicPartition> deleted = new ArrayList<>();
        final List<OffsetDeleteResponse.Topic> topics = new ArrayList<>(request.topics().size());
        for (final OffsetDeleteRequest.Topic t : request.topics())
        {
            final boolean inUse = subscribed.contains(t.name());
            final List<OffsetDeleteResponse.Partition> partitions = new ArrayList<>(t.partitions().size());
            for (final int p : t.partitions())
            {
                partitions.add(new OffsetDeleteResponse.Partition(p,
                    inUse ? ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC.code : ErrorCode.NONE.code));
                final TopicPartition tp = new TopicPartition(t.name(), p);
                // A commit in flight gets a tombstone too: its record is already ahead of it in the log.
                if (!inUse && (group.offsets.containsKey(tp) || group.pendingCommitPartitions.containsKey(tp)))
                {
                    deleted.add(tp);
                }
            }
            topics.add(new OffsetDeleteResponse.Topic(t.name(), partitions));
        }
        if (deleted.isEmpty())
        {
            respond.accept(new OffsetDeleteResponse(ErrorCode.NONE.code, 0, topics));
            return;
        }
        final Once<OffsetDeleteResponse> answer = new Once<>(respond);
        append(group, tombstones(group, deleted, false), nowMs, appendError ->
        {
            if (appendError != ErrorCode.NONE)
            {
                answer.accept(new OffsetDeleteResponse(storeError(appendError).code, 0, List.of()));
                return;
            }
            // Appends complete in log order: a commit that was in flight completed before this, and its offset goes too.
            deleted.forEach(group.offsets::remove);
            LOG.info("Deleted {} committed offsets of group {}", deleted.size(), groupId);
            answer.accept(new OffsetDeleteResponse(ErrorCode.NONE.code, 0, topics));
        }, () -> answer.accept(new OffsetDeleteResponse(ErrorCode.UNKNOWN_SERVER_ERROR.code, 0, List.of())));
    }

    /** The topics a live consumer-protocol group's members subscribe to, or null when they cannot be read. */
    private static Set<String> subscribedTopics(final ClassicGroup group)
    {
        if (!ConsumerProtocol.PROTOCOL_TYPE.equals(group.protocolType) || group.protocolName == null)
        {
            return null;
        }
        final Set<String> topics = new HashSet<>();
        for (final GroupMember m : group.members.values())
        {
            final byte[] metadata = m.metadata(group.protocolName);
            try
            {
                topics.addAll(ConsumerProtocol.deserializeSubscription(ByteBuffer.wrap(metadata)).topics());
            }
            catch (final RuntimeException e)
            {
                return null;
            }
        }
        return topics;
    }

    // ---- offsets retention

    private void onExpireTimer(final long nowMs)
    {
        // Rescheduled first: a failing expiry must not end retention for good.
        timers.schedule(EXPIRE_TIMER, nowMs + config.offsetsRetentionCheckIntervalMs(), this::onExpireTimer);
        expireOffsets(nowMs);
    }

    /**
     * Drops committed offsets past {@code offsets.retention.minutes}: those of an Empty group once
     * it has been empty that long (a group that only stores offsets: each offset once it is that
     * old), and then the Empty group itself if it has no offsets left. Tombstones record both.
     * A partition with a commit in flight is skipped (Kafka's {@code pendingOffsetCommits}): its
     * tombstone would race the commit's record, and the cache and the log could disagree.
     *
     * @return offsets expired
     */
    public int expireOffsets(final long nowMs)
    {
        int expired = 0;
        for (final ClassicGroup group : new ArrayList<>(groups.values()))
        {
            if (!group.is(GroupState.EMPTY) || coordinatorError(group.groupId) != ErrorCode.NONE)
            {
                continue;
            }
            final List<TopicPartition> old = new ArrayList<>();
            for (final Map.Entry<TopicPartition, CommittedOffset> e : group.offsets.entrySet())
            {
                final long base = group.protocolType == null ? e.getValue().commitTimestampMs() :
                    Math.max(group.stateTimestampMs, 0);
                if (base + config.offsetsRetentionMs() <= nowMs && !group.pendingCommitPartitions.containsKey(e.getKey()))
                {
                    old.add(e.getKey());
                }
            }
            for (final TopicPartition tp : old)
            {
                group.offsets.remove(tp);
            }
            expired += old.size();
            final boolean removeGroup = group.offsets.isEmpty() && group.pendingJoinMembers.isEmpty() && group.pendingCommits == 0;
            if (old.isEmpty() && !removeGroup)
            {
                continue;
            }
            final List<OffsetsRecord> tombstones = tombstones(group, old, removeGroup);
            if (removeGroup)
            {
                group.transitionTo(GroupState.DEAD, nowMs);
                groups.remove(group.groupId);
                cancelGroupTimers(group);
                LOG.info("Group {} expired: empty and without committed offsets", group.groupId);
            }
            append(group, tombstones, nowMs, error -> logStoreError(group, error), null);
        }
        return expired;
    }

    private static List<OffsetsRecord> tombstones(final ClassicGroup group, final java.util.Collection<TopicPartition> offsets,
        final boolean groupToo)
    {
        final List<OffsetsRecord> out = new ArrayList<>(offsets.size() + 1);
        for (final TopicPartition tp : offsets)
        {
            out.add(new OffsetsRecord(OffsetsTopicFormat.offsetCommitKey(group.groupId, tp.topic(), tp.partition()), null));
        }
        if (groupToo)
        {
            out.add(new OffsetsRecord(OffsetsTopicFormat.groupMetadataKey(group.groupId), null));
        }
        return out;
    }

    /** Removes a group that a failed join or commit created and that holds nothing. */
    private void maybeRemoveIfUnused(final ClassicGroup group)
    {
        if (group.is(GroupState.EMPTY) && group.generationId == 0 && group.members.isEmpty() && group.offsets.isEmpty() &&
            group.pendingJoinMembers.isEmpty() && group.pendingCommits == 0 && groups.get(group.groupId) == group)
        {
            groups.remove(group.groupId);
        }
    }

    private void cancelGroupTimers(final ClassicGroup group)
    {
        timers.cancel(joinKey(group));
        timers.cancel(syncKey(group));
        for (final String m : group.members.keySet())
        {
            timers.cancel(sessionKey(group, m));
        }
        for (final String m : group.pendingJoinMembers)
        {
            timers.cancel(pendingKey(group, m));
        }
    }

    // ---- persistence

    /**
     * Appends the group's metadata record: generation, protocol, leader and members with their
     * subscriptions and {@code assignment} (null: the members' current assignments).
     */
    private void persistGroup(final ClassicGroup group, final Map<String, byte[]> assignment, final long nowMs,
        final Consumer<ErrorCode> onComplete, final Runnable onBug)
    {
        final List<GroupMetadataSnapshot.Member> members = new ArrayList<>(group.members.size());
        for (final GroupMember m : group.members.values())
        {
            members.add(new GroupMetadataSnapshot.Member(m.memberId, m.groupInstanceId, m.clientId, m.clientHost,
                m.rebalanceTimeoutMs, m.sessionTimeoutMs, group.protocolName == null ? GroupMember.EMPTY_BYTES :
                m.metadata(group.protocolName),
                assignment == null ? m.assignment : assignment.getOrDefault(m.memberId, GroupMember.EMPTY_BYTES)));
        }
        final GroupMetadataSnapshot snapshot = new GroupMetadataSnapshot(group.protocolType == null ? "" : group.protocolType,
            group.generationId, group.protocolName, group.leaderId, group.stateTimestampMs, members);
        append(group, List.of(new OffsetsRecord(OffsetsTopicFormat.groupMetadataKey(group.groupId),
            OffsetsTopicFormat.groupMetadataValue(snapshot))), nowMs, onComplete, onBug);
    }

    /**
     * Appends records of {@code group}. Should {@code onComplete} throw (a bug), the failure is
     * contained: {@code onBug} (if any) and every request of the group still waiting are
     * answered UNKNOWN_SERVER_ERROR, so no client waits for an answer that will never come.
     */
    private void append(final ClassicGroup group, final List<OffsetsRecord> records, final long nowMs,
        final Consumer<ErrorCode> onComplete, final Runnable onBug)
    {
        log.append(group.partition, records, nowMs,
            error -> guarded(group, "an append completion", () -> onComplete.accept(error), onBug));
    }

    /** Schedules a timer of {@code group}; an action that throws is contained as in {@link #append}. */
    private void schedule(final ClassicGroup group, final String key, final long deadlineMs, final LongConsumer action)
    {
        timers.schedule(key, deadlineMs, now -> guarded(group, "a timer", () -> action.accept(now), null));
    }

    private void guarded(final ClassicGroup group, final String what, final Runnable task, final Runnable onBug)
    {
        try
        {
            task.run();
        }
        catch (final RuntimeException e)
        {
            LOG.error("Group coordinator failure in {} of group {}; answering its waiting requests with UNKNOWN_SERVER_ERROR",
                what, group.groupId, e);
            if (onBug != null)
            {
                answerQuietly(onBug);
            }
            failWaitingRequests(group);
        }
    }

    private static void failWaitingRequests(final ClassicGroup group)
    {
        for (final GroupMember m : new ArrayList<>(group.members.values()))
        {
            if (m.awaitingJoin != null)
            {
                final Consumer<JoinGroupResponse> respond = m.awaitingJoin;
                m.awaitingJoin = null;
                answerQuietly(() -> respond.accept(joinError(m.memberId, ErrorCode.UNKNOWN_SERVER_ERROR)));
            }
            if (m.awaitingSync != null)
            {
                final Consumer<SyncGroupResponse> respond = m.awaitingSync;
                m.awaitingSync = null;
                answerQuietly(() -> respond.accept(syncError(ErrorCode.UNKNOWN_SERVER_ERROR)));
            }
        }
    }

    private static void answerQuietly(final Runnable answer)
    {
        try
        {
            answer.run();
        }
        catch (final RuntimeException e)
        {
            LOG.error("Answering a group request failed", e);
        }
    }

    /** A response given at most once: whichever of the normal answer and a failure answer comes first wins. */
    private static final class Once<T> implements Consumer<T>
    {
        private Consumer<T> target;

        Once(final Consumer<T> target)
        {
            this.target = target;
        }

        @Override
        public void accept(final T response)
        {
            final Consumer<T> t = target;
            if (t != null)
            {
                target = null;
                t.accept(response);
            }
        }
    }

    private static void logStoreError(final ClassicGroup group, final ErrorCode error)
    {
        if (error != ErrorCode.NONE)
        {
            LOG.warn("Could not store the metadata of group {}: {}", group.groupId, error);
        }
    }

    /** How an append error reaches the client (Kafka's mapping for the group APIs). */
    static ErrorCode storeError(final ErrorCode appendError)
    {
        return switch (appendError)
        {
            case NONE -> ErrorCode.NONE;
            case UNKNOWN_TOPIC_OR_PARTITION, NOT_ENOUGH_REPLICAS, NOT_ENOUGH_REPLICAS_AFTER_APPEND, REQUEST_TIMED_OUT ->
                ErrorCode.COORDINATOR_NOT_AVAILABLE;
            case NOT_LEADER_OR_FOLLOWER, KAFKA_STORAGE_ERROR -> ErrorCode.NOT_COORDINATOR;
            case MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE, INVALID_FETCH_SIZE -> ErrorCode.INVALID_COMMIT_OFFSET_SIZE;
            default -> appendError;
        };
    }

    // ---- views for tests and tools

    /** The state of a group, or null when unknown. */
    public GroupState groupState(final String groupId)
    {
        final ClassicGroup g = groups.get(groupId);
        return g == null ? null : g.state;
    }

    public int generation(final String groupId)
    {
        final ClassicGroup g = groups.get(groupId);
        return g == null ? -1 : g.generationId;
    }

    public List<String> memberIds(final String groupId)
    {
        final ClassicGroup g = groups.get(groupId);
        return g == null ? List.of() : List.copyOf(g.members.keySet());
    }

    public String leader(final String groupId)
    {
        final ClassicGroup g = groups.get(groupId);
        return g == null ? null : g.leaderId;
    }

    /** Every group's committed offsets, copied (metrics). Coordinator thread. */
    public Map<String, Map<TopicPartition, Long>> committedOffsets()
    {
        final Map<String, Map<TopicPartition, Long>> out = new TreeMap<>();
        for (final ClassicGroup g : groups.values())
        {
            if (g.offsets.isEmpty())
            {
                continue;
            }
            final Map<TopicPartition, Long> offsets = new HashMap<>();
            g.offsets.forEach((tp, o) -> offsets.put(tp, o.offset()));
            out.put(g.groupId, offsets);
        }
        return out;
    }

    public CommittedOffset committed(final String groupId, final TopicPartition tp)
    {
        final ClassicGroup g = groups.get(groupId);
        return g == null ? null : g.offsets.get(tp);
    }

    private static String joinKey(final ClassicGroup g)
    {
        return "join" + SEP + g.groupId;
    }

    private static String syncKey(final ClassicGroup g)
    {
        return "sync" + SEP + g.groupId;
    }

    private static String sessionKey(final ClassicGroup g, final String memberId)
    {
        return "session" + SEP + g.groupId + SEP + memberId;
    }

    private static String pendingKey(final ClassicGroup g, final String memberId)
    {
        return "pending" + SEP + g.groupId + SEP + memberId;
    }
}
