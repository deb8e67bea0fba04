package io.osprey.consumer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.osprey.client.ExponentialBackoff;
import io.osprey.client.Metadata;
import io.osprey.client.MetadataSnapshot;
import io.osprey.client.NetworkClient;
import io.osprey.client.Node;
import io.osprey.client.ResponseHandler;
import io.osprey.client.TopicMetadata;
import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.common.TopicPartition;
import io.osprey.common.errors.Errors;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.ConsumerProtocol;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.message.FindCoordinatorRequest;
import io.osprey.protocol.message.FindCoordinatorResponse;
import io.osprey.protocol.message.HeartbeatRequest;
import io.osprey.protocol.message.HeartbeatResponse;
import io.osprey.protocol.message.JoinGroupRequest;
import io.osprey.protocol.message.JoinGroupResponse;
import io.osprey.protocol.message.LeaveGroupRequest;
import io.osprey.protocol.message.SyncGroupRequest;
import io.osprey.protocol.message.SyncGroupResponse;

/**
 * The consumer's side of the classic group protocol, run by the network thread: it finds the
 * group coordinator (FindCoordinator; a separate connection, id {@code Integer.MAX_VALUE - nodeId}
 * as Kafka's, so that a JoinGroup the broker holds does not hold up fetches), joins
 * (JoinGroup, retried with the member id on MEMBER_ID_REQUIRED), runs the assignor when it is the
 * leader, syncs (SyncGroup), heartbeats every {@code heartbeat.interval.ms}, and leaves.
 * NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE, a disconnect or no heartbeat answer within
 * {@code session.timeout.ms} make it find the coordinator again.
 * <p>
 * User code never runs here. The rebalance is a handshake with the application thread, which
 * runs the listener inside {@code poll} ({@link ConsumerGroup}):
 * <ol>
 * <li>When a (re)join is needed this side sets {@link #needsPrepare()}; the application commits,
 *     revokes (eager) or drops lost partitions, then {@link #grantJoin grants} the join with the
 *     partitions it still owns.</li>
 * <li>This side sends JoinGroup and SyncGroup (as often as errors require) and publishes the
 *     result ({@link #takeAssignment()}), which the application applies.</li>
 * </ol>
 * A member whose generation was reset (UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION, poll timeout) is
 * flagged {@link #takeLost() lost}: the application calls {@code onPartitionsLost} before its
 * next join. When {@code poll} is not called for {@code max.poll.interval.ms} this side leaves the
 * group itself (LeaveGroup, except for static members) and does not rejoin until the next poll.
 * A static member fenced by the coordinator (FENCED_INSTANCE_ID) stops for good ({@link #onFenced}).
 * <p>
 * Thread-safety: {@link #poll} and everything it calls run on the network thread; the methods
 * documented "application thread" exchange state with it under this object's monitor, held for
 * a few field accesses only.
 */
final class ConsumerCoordinator
{
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerCoordinator.class);
    private static final byte KEY_TYPE_GROUP = 0;

    /** Where the member is in the join protocol. */
    enum MemberState
    {
        UNJOINED,
        /** A join is needed; waiting for the application's permit (and a coordinator). */
        AWAITING_PERMIT,
        JOINING,
        SYNCING,
        STABLE
    }

    /** An assignment from a completed SyncGroup, for the application thread to apply. */
    record GroupAssignment(int generation, String memberId, List<TopicPartition> partitions,
        ConsumerPartitionAssignor.RebalanceProtocol protocol)
    {
    }

    /** The generation and member id a commit is sent with. */
    record Generation(int generationId, String memberId, String groupInstanceId)
    {
        static final Generation NONE = new Generation(-1, "", null);
    }

    private final NetworkClient client;
    private final Metadata metadata;
    private final GroupSettings settings;
    private final ExponentialBackoff backoff;
    private final Random random;
    private final ConsumerPartitionAssignor.RebalanceProtocol protocol;

    // ---- Network thread only ----
    private int coordinatorId = -1;
    private boolean findInFlight;
    private long findRetryAtMs;
    private int findFailures;
    private MemberState state = MemberState.UNJOINED;
    private String memberId = "";
    private int generation = -1;
    private int ownedGeneration = -1;
    private String protocolName;
    private boolean requestInFlight;
    private long joinRetryAtMs;
    private int joinFailures;
    private boolean heartbeatInFlight;
    private long nextHeartbeatMs;
    private long lastHeartbeatAckMs;
    private boolean rejoinAfterSync;
    private Set<String> joinedTopics = Set.of();
    private Set<String> topicsAtJoin = Set.of();
    private Map<String, Integer> assignmentSnapshot;
    private long pollTimedOutAt = -1;
    private Pattern matchedPattern;
    private int matchedMetadataVersion = -1;

    // ---- Shared with the application thread (this object's monitor) ----
    private boolean subscribed;
    private Set<String> topics = Set.of();
    private Pattern pattern;
    private List<TopicPartition> permit;
    private boolean needsPrepare;
    private boolean lost;
    private boolean rejoinRequested;
    private String rejoinReason;
    private GroupAssignment pendingAssignment;
    private RuntimeException error;
    /** FENCED_INSTANCE_ID: another consumer took this one's group.instance.id; thrown by every poll and commit until close. */
    private RuntimeException fenced;
    private boolean stableGeneration;
    private Generation commitGeneration = Generation.NONE;
    private volatile long lastPollMs;

    ConsumerCoordinator(final NetworkClient client, final GroupSettings settings, final ExponentialBackoff backoff, final Random random)
    {
        this.client = client;
        this.metadata = client.metadata();
        this.settings = settings;
        this.backoff = backoff;
        this.random = random;
        this.protocol = Assignors.protocol(settings.assignors());
        this.lastPollMs = client.clock().nowMs();
    }

    // ==== Application thread ========================================================================

    /** Application thread: subscribes to these topics (replacing any pattern). */
    synchronized void subscribe(final Set<String> newTopics)
    {
        subscribed = true;
        topics = Set.copyOf(newTopics);
        pattern = null;
        client.wakeup();
    }

    /** Application thread: subscribes to the topics matching {@code newPattern}, re-evaluated on every metadata update. */
    synchronized void subscribe(final Pattern newPattern)
    {
        subscribed = true;
        pattern = newPattern;
        topics = Set.of();
        client.wakeup();
    }

    /** Application thread: stops taking part; the caller sends the LeaveGroup ({@link #leaveGroup}). */
    synchronized void unsubscribe()
    {
        subscribed = false;
        topics = Set.of();
        pattern = null;
        permit = null;
        needsPrepare = false;
        pendingAssignment = null;
        lost = false;
        rejoinRequested = false;
    }

    synchronized boolean subscribed()
    {
        return subscribed;
    }

    synchronized Pattern pattern()
    {
        return pattern;
    }

    /** Application thread: the topics subscribed by name, or matched by the pattern so far. */
    synchronized Set<String> subscription()
    {
        return topics;
    }

    /** Application thread: poll() was called now; resets the max.poll.interval.ms timer. */
    void onPoll(final long nowMs)
    {
        lastPollMs = nowMs;
        client.wakeup();
    }

    /** Application thread: whether the group waits for this member to prepare a join. */
    synchronized boolean needsPrepare()
    {
        return needsPrepare;
    }

    /** Application thread: whether the member's partitions were lost since the last call (consumed). */
    synchronized boolean takeLost()
    {
        final boolean was = lost;
        lost = false;
        return was;
    }

    /** Application thread: prepared; join now, declaring {@code owned} as this member's partitions. */
    synchronized void grantJoin(final List<TopicPartition> owned)
    {
        if (needsPrepare)
        {
            needsPrepare = false;
            permit = List.copyOf(owned);
            client.wakeup();
        }
    }

    /** Application thread: the assignment of a completed rebalance, or null. */
    synchronized GroupAssignment takeAssignment()
    {
        final GroupAssignment a = pendingAssignment;
        pendingAssignment = null;
        return a;
    }

    /** Application thread: an error to throw from poll (fatal group errors; a fenced member's every time), or null. */
    synchronized RuntimeException takeError()
    {
        if (fenced != null)
        {
            return fenced;
        }
        final RuntimeException e = error;
        error = null;
        return e;
    }

    /** Any thread: throws the fencing error once this static member has been fenced (terminal until close). */
    synchronized void throwIfFenced()
    {
        if (fenced != null)
        {
            throw fenced;
        }
    }

    /** Application thread: asks for another rebalance (after a cooperative revocation, or a new subscription). */
    synchronized void requestRejoin(final String reason)
    {
        rejoinRequested = true;
        rejoinReason = reason;
        client.wakeup();
    }

    /** Any thread: the generation to commit with, or why a commit cannot be sent now. */
    synchronized Generation generationForCommit()
    {
        if (fenced != null)
        {
            throw fenced;
        }
        if (!subscribed)
        {
            return Generation.NONE;
        }
        if (stableGeneration)
        {
            return commitGeneration;
        }
        if (state == MemberState.JOINING || state == MemberState.SYNCING || permit != null)
        {
            throw new RebalanceInProgressException("Offset commit cannot be completed since the consumer is undergoing a rebalance "
                + "for auto partition assignment. You can try completing the rebalance by calling poll() and then retry the operation.");
        }
        throw new CommitFailedException(ErrorCode.UNKNOWN_MEMBER_ID, "Offset commit cannot be completed since the consumer is not "
            + "part of an active group for auto partition assignment; it is likely that the consumer was kicked out of the group.");
    }

    ConsumerPartitionAssignor.RebalanceProtocol protocol()
    {
        return protocol;
    }

    // ==== Network thread ============================================================================

    /** Network thread: the connection id of the coordinator, or -1 while it is unknown (starting a lookup). */
    int coordinator(final long nowMs)
    {
        if (coordinatorId < 0)
        {
            maybeFindCoordinator(nowMs);
        }
        return coordinatorId;
    }

    /** Network thread: the coordinator said it is not (or no longer) the coordinator, or its connection failed. */
    void markCoordinatorUnknown(final String reason)
    {
        if (coordinatorId >= 0)
        {
            LOG.info("[Consumer groupId={}] Group coordinator {} is unavailable or invalid ({}); will rediscover it", settings.groupId(),
                client.node(coordinatorId), reason);
            client.disconnect(coordinatorId);
            coordinatorId = -1;
        }
    }

    /** Network thread: a commit found the generation gone (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID). */
    void onCommitGenerationError(final ErrorCode code)
    {
        resetGeneration("OffsetCommit failed with " + code, code == ErrorCode.UNKNOWN_MEMBER_ID);
    }

    /** Network thread: one pass; returns how long it may wait before it needs another. */
    long poll(final long nowMs)
    {
        final boolean isSubscribed;
        final boolean permitted;
        synchronized (this)
        {
            if (fenced != null)
            {
                // Terminal: no heartbeat, no rejoin (it would fence the member that replaced this one, and so on for ever).
                return Long.MAX_VALUE;
            }
            isSubscribed = subscribed;
            permitted = permit != null;
            if (rejoinRequested)
            {
                rejoinRequested = false;
                requestRejoin(rejoinReason, nowMs);
            }
        }
        if (!isSubscribed)
        {
            if (state != MemberState.UNJOINED)
            {
                transitionToUnjoined();
            }
            return Long.MAX_VALUE;
        }
        long waitMs = Long.MAX_VALUE;
        if (state != MemberState.UNJOINED && nowMs - lastPollMs > settings.maxPollIntervalMs())
        {
            onPollTimeout();
        }
        updatePatternTopics();
        if (state == MemberState.UNJOINED && lastPollMs != pollTimedOutAt)
        {
            transitionToAwaitingPermit("the consumer subscribed");
        }
        if (state == MemberState.STABLE)
        {
            maybeRejoinOnChange(nowMs);
        }
        if (coordinator(nowMs) < 0)
        {
            return Math.max(1, findRetryAtMs - nowMs);
        }
        if (state == MemberState.AWAITING_PERMIT && permitted && !requestInFlight)
        {
            waitMs = Math.min(waitMs, maybeSendJoin(nowMs));
        }
        if (state == MemberState.STABLE || (state == MemberState.AWAITING_PERMIT && generation >= 0 && !requestInFlight))
        {
            waitMs = Math.min(waitMs, maybeHeartbeat(nowMs));
        }
        if (state != MemberState.UNJOINED)
        {
            waitMs = Math.min(waitMs, Math.max(1, lastPollMs + settings.maxPollIntervalMs() + 1 - nowMs));
        }
        return waitMs;
    }

    // ---- Coordinator discovery -----------------------------------------------------------------------

    private void maybeFindCoordinator(final long nowMs)
    {
        if (findInFlight || nowMs < findRetryAtMs)
        {
            return;
        }
        final Node node = client.leastLoadedNode(nowMs);
        if (node == null || !client.ready(node.id(), nowMs))
        {
            findRetryAtMs = nowMs + (node == null ? backoff.backoffMs(findFailures, random) : client.connectionDelayMs(node.id(), nowMs));
            findRetryAtMs = Math.max(findRetryAtMs, nowMs + 1);
            return;
        }
        findInFlight = true;
        final String group = settings.groupId();
        client.send(node.id(), ApiKey.FIND_COORDINATOR, ApiKey.FIND_COORDINATOR.latest,
            v -> new FindCoordinatorRequest(v <= 3 ? group : "", KEY_TYPE_GROUP, v >= 4 ? List.of(group) : List.of()),
            client.requestTimeoutMs(), ResponseHandler.of((version, body) -> onFindCoordinator(version, body),
                failure -> onFindFailed("FindCoordinator to " + node + " failed: " + failure.getMessage())));
    }

    private void onFindCoordinator(final short version, final ProtocolReader body)
    {
        findInFlight = false;
        final FindCoordinatorResponse response = FindCoordinatorResponse.read(body, version);
        short code = response.errorCode();
        String message = response.errorMessage();
        int nodeId = response.nodeId();
        String host = response.host();
        int port = response.port();
        if (version >= 4)
        {
            if (response.coordinators().isEmpty())
            {
                onFindFailed("FindCoordinator returned no coordinator");
                return;
            }
            final FindCoordinatorResponse.Coordinator c = response.coordinators().get(0);
            code = c.errorCode();
            message = c.errorMessage();
            nodeId = c.nodeId();
            host = c.host();
            port = c.port();
        }
        final ErrorCode error = ErrorCode.forCode(code);
        if (error != ErrorCode.NONE)
        {
            if (error == ErrorCode.GROUP_AUTHORIZATION_FAILED || error == ErrorCode.INVALID_GROUP_ID)
            {
                setError(Errors.forCode(error, "FindCoordinator for group " + settings.groupId() + " failed: "
                    + (message == null ? error : message)));
            }
            onFindFailed("FindCoordinator returned " + error + (message == null ? "" : ": " + message));
            return;
        }
        findFailures = 0;
        coordinatorId = Integer.MAX_VALUE - nodeId;
        client.addNode(new Node(coordinatorId, host, port, null));
        LOG.info("[Consumer groupId={}] Discovered group coordinator {}:{} (node {})", settings.groupId(), host, port, nodeId);
        lastHeartbeatAckMs = client.clock().nowMs();
        client.wakeup();
    }

    private void onFindFailed(final String reason)
    {
        findInFlight = false;
        final long nowMs = client.clock().nowMs();
        LOG.debug("[Consumer groupId={}] {}", settings.groupId(), reason);
        findRetryAtMs = nowMs + backoff.backoffMs(findFailures++, random);
    }

    // ---- Joining -------------------------------------------------------------------------------------

    private long maybeSendJoin(final long nowMs)
    {
        if (nowMs < joinRetryAtMs)
        {
            return joinRetryAtMs - nowMs;
        }
        final Set<String> joinTopics = currentTopics();
        if (!metadataReady(joinTopics))
        {
            return ConsumerLimits.GROUP_METADATA_WAIT_MS;
        }
        if (!client.ready(coordinatorId, nowMs))
        {
            if (client.connectionFailed(coordinatorId))
            {
                markCoordinatorUnknown("cannot connect");
            }
            return Math.max(1, client.connectionDelayMs(coordinatorId, nowMs));
        }
        final List<TopicPartition> owned;
        synchronized (this)
        {
            owned = permit;
        }
        final List<JoinGroupRequest.Protocol> protocols = new ArrayList<>();
        for (final ConsumerPartitionAssignor assignor : settings.assignors())
        {
            final ConsumerProtocol.Subscription subscription = new ConsumerProtocol.Subscription(joinTopics,
                assignor.subscriptionUserData(joinTopics, ownedGeneration), owned, ownedGeneration, settings.rack());
            protocols.add(new JoinGroupRequest.Protocol(assignor.name(), bytes(ConsumerProtocol.serializeSubscription(subscription))));
        }
        final JoinGroupRequest request = new JoinGroupRequest(settings.groupId(), settings.sessionTimeoutMs(),
            settings.maxPollIntervalMs(), memberId, settings.groupInstanceId(), ConsumerProtocol.PROTOCOL_TYPE, protocols, null);
        topicsAtJoin = joinTopics;
        state = MemberState.JOINING;
        requestInFlight = true;
        setStable(false);
        LOG.info("[Consumer groupId={}] (Re-)joining group as member '{}' with topics {}", settings.groupId(), memberId, joinTopics);
        final long timeoutMs = Math.max(client.requestTimeoutMs(), settings.maxPollIntervalMs() + ConsumerLimits.JOIN_GROUP_TIMEOUT_EXTRA_MS);
        client.send(coordinatorId, ApiKey.JOIN_GROUP, ApiKey.JOIN_GROUP.latest, v -> request, timeoutMs,
            ResponseHandler.of(this::onJoinResponse, failure -> onJoinFailed(failure, "JoinGroup")));
        return Long.MAX_VALUE;
    }

    private void onJoinResponse(final short version, final ProtocolReader body)
    {
        requestInFlight = false;
        if (state != MemberState.JOINING)
        {
            return;
        }
        final JoinGroupResponse response = JoinGroupResponse.read(body, version);
        final ErrorCode error = ErrorCode.forCode(response.errorCode());
        switch (error)
        {
            case NONE:
                memberId = response.memberId();
                generation = response.generationId();
                protocolName = response.protocolName();
                joinFailures = 0;
                sendSync(response);
                return;
            case MEMBER_ID_REQUIRED:
                memberId = response.memberId();
                retryJoin(0, "the coordinator gave this member its id");
                return;
            case UNKNOWN_MEMBER_ID:
            case ILLEGAL_GENERATION:
                resetGeneration("JoinGroup failed with " + error, error == ErrorCode.UNKNOWN_MEMBER_ID);
                return;
            case COORDINATOR_NOT_AVAILABLE:
            case NOT_COORDINATOR:
                markCoordinatorUnknown("JoinGroup returned " + error);
                retryJoin(backoff.backoffMs(joinFailures++, random), error.toString());
                return;
            case COORDINATOR_LOAD_IN_PROGRESS:
            case REBALANCE_IN_PROGRESS:
            case UNKNOWN_SERVER_ERROR:
                retryJoin(backoff.backoffMs(joinFailures++, random), error.toString());
                return;
            default:
                onGroupError(error, "JoinGroup");
        }
    }

    private void onJoinFailed(final OspreyException failure, final String what)
    {
        requestInFlight = false;
        if (state != MemberState.JOINING && state != MemberState.SYNCING)
        {
            return;
        }
        if (!failure.retriable())
        {
            onGroupError(failure.errorCode(), what + ": " + failure.getMessage());
            return;
        }
        markCoordinatorUnknown(what + " failed: " + failure.getMessage());
        retryJoin(backoff.backoffMs(joinFailures++, random), failure.getMessage());
    }

    private void retryJoin(final long delayMs, final String reason)
    {
        LOG.debug("[Consumer groupId={}] Rejoining in {} ms: {}", settings.groupId(), delayMs, reason);
        state = MemberState.AWAITING_PERMIT;
        joinRetryAtMs = client.clock().nowMs() + delayMs;
        client.wakeup();
    }

    private void sendSync(final JoinGroupResponse response)
    {
        final boolean leader = memberId.equals(response.leader());
        List<SyncGroupRequest.Assignment> assignments = List.of();
        if (leader && !response.skipAssignment())
        {
            try
            {
                assignments = performAssignment(response);
            }
            catch (final RuntimeException e)
            {
                LOG.error("[Consumer groupId={}] The leader's assignment failed", settings.groupId(), e);
                setError(new OspreyException(ErrorCode.UNKNOWN_SERVER_ERROR, "The group leader could not assign partitions with "
                    + response.protocolName() + ": " + e.getMessage(), e));
                retryJoin(backoff.backoffMs(joinFailures++, random), e.toString());
                return;
            }
        }
        else if (!leader)
        {
            assignmentSnapshot = null;
        }
        state = MemberState.SYNCING;
        requestInFlight = true;
        final SyncGroupRequest request = new SyncGroupRequest(settings.groupId(), generation, memberId, settings.groupInstanceId(),
            ConsumerProtocol.PROTOCOL_TYPE, protocolName, assignments);
        client.send(coordinatorId, ApiKey.SYNC_GROUP, ApiKey.SYNC_GROUP.latest, v -> request, client.requestTimeoutMs(),
            ResponseHandler.of(this::onSyncResponse, failure -> onJoinFailed(failure, "SyncGroup")));
    }

    private List<SyncGroupRequest.Assignment> performAssignment(final JoinGroupResponse response)
    {
        final ConsumerPartitionAssignor assignor = assignor(response.protocolName());
        final Map<String, ConsumerProtocol.Subscription> subscriptions = new TreeMap<>();
        final Set<String> groupTopics = new TreeSet<>();
        for (final JoinGroupResponse.Member member : response.members())
        {
            final ConsumerProtocol.Subscription s = ConsumerProtocol.deserializeSubscription(ByteBuffer.wrap(member.metadata()))
                .withGroupInstanceId(member.groupInstanceId());
            subscriptions.put(member.memberId(), s);
            groupTopics.addAll(s.topics());
        }
        metadata.addTopics(groupTopics);
        final MetadataSnapshot snapshot = metadata.snapshot();
        final Map<String, Integer> partitionsPerTopic = new HashMap<>();
        for (final String topic : groupTopics)
        {
            final int count = snapshot.partitionCount(topic);
            partitionsPerTopic.put(topic, Math.max(0, count));
        }
        final Map<String, List<TopicPartition>> assigned = assignor.assign(partitionsPerTopic, subscriptions);
        checkAssignment(assigned, subscriptions, partitionsPerTopic);
        assignmentSnapshot = partitionsPerTopic;
        LOG.info("[Consumer groupId={}] As leader of generation {}, assigned with {}: {}", settings.groupId(), response.generationId(),
            assignor.name(), assigned);
        final List<SyncGroupRequest.Assignment> out = new ArrayList<>();
        for (final String member : subscriptions.keySet())
        {
            final List<TopicPartition> partitions = assigned.getOrDefault(member, List.of());
            out.add(new SyncGroupRequest.Assignment(member, bytes(ConsumerProtocol.serializeAssignment(
                new ConsumerProtocol.Assignment(partitions)))));
        }
        return out;
    }

    /** Invariant: no partition twice, each to a member subscribed to its topic, each partition existing. */
    private static void checkAssignment(final Map<String, List<TopicPartition>> assigned,
        final Map<String, ConsumerProtocol.Subscription> subscriptions, final Map<String, Integer> partitionsPerTopic)
    {
        final Map<TopicPartition, String> owner = new HashMap<>();
        for (final Map.Entry<String, List<TopicPartition>> e : assigned.entrySet())
        {
            final ConsumerProtocol.Subscription s = subscriptions.get(e.getKey());
            for (final TopicPartition tp : e.getValue())
            {
                final String previous = owner.put(tp, e.getKey());
                if (previous != null || s == null || !s.topics().contains(tp.topic())
                    || tp.partition() >= partitionsPerTopic.getOrDefault(tp.topic(), 0))
                {
                    throw new IllegalStateException("Invalid assignment: partition " + tp + " to member " + e.getKey()
                        + (previous != null ? " and to member " + previous : " (not subscribed or no such partition)")
                        + "; assignment " + assigned + ", partitions " + partitionsPerTopic);
                }
            }
        }
    }

    private void onSyncResponse(final short version, final ProtocolReader body)
    {
        requestInFlight = false;
        if (state != MemberState.SYNCING)
        {
            return;
        }
        final SyncGroupResponse response = SyncGroupResponse.read(body, version);
        final ErrorCode error = ErrorCode.forCode(response.errorCode());
        switch (error)
        {
            case NONE:
                onSyncComplete(response);
                return;
            case REBALANCE_IN_PROGRESS:
                retryJoin(0, "SyncGroup returned REBALANCE_IN_PROGRESS");
                return;
            case UNKNOWN_MEMBER_ID:
            case ILLEGAL_GENERATION:
                resetGeneration("SyncGroup failed with " + error, error == ErrorCode.UNKNOWN_MEMBER_ID);
                return;
            case COORDINATOR_NOT_AVAILABLE:
            case NOT_COORDINATOR:
                markCoordinatorUnknown("SyncGroup returned " + error);
                retryJoin(backoff.backoffMs(joinFailures++, random), error.toString());
                return;
            case UNKNOWN_SERVER_ERROR:
                retryJoin(backoff.backoffMs(joinFailures++, random), error.toString());
                return;
            default:
                onGroupError(error, "SyncGroup");
        }
    }

    private void onSyncComplete(final SyncGroupResponse response)
    {
        final byte[] bytes = response.assignment();
        final List<TopicPartition> partitions = bytes == null || bytes.length == 0
            ? List.of()
            : ConsumerProtocol.deserializeAssignment(ByteBuffer.wrap(bytes)).partitions();
        final long nowMs = client.clock().nowMs();
        state = MemberState.STABLE;
        ownedGeneration = generation;
        joinedTopics = topicsAtJoin;
        lastHeartbeatAckMs = nowMs;
        nextHeartbeatMs = nowMs + settings.heartbeatIntervalMs();
        LOG.info("[Consumer groupId={}] Joined generation {} as member '{}' with protocol {}; assigned {}", settings.groupId(), generation,
            memberId, protocolName, partitions);
        synchronized (this)
        {
            permit = null;
            pendingAssignment = new GroupAssignment(generation, memberId, partitions, protocol);
            commitGeneration = new Generation(generation, memberId, settings.groupInstanceId());
            stableGeneration = true;
        }
        if (rejoinAfterSync)
        {
            rejoinAfterSync = false;
            requestRejoin("a rejoin was requested during the rebalance", nowMs);
        }
    }

    private ConsumerPartitionAssignor assignor(final String name)
    {
        for (final ConsumerPartitionAssignor assignor : settings.assignors())
        {
            if (assignor.name().equals(name))
            {
                return assignor;
            }
        }
        throw new IllegalStateException("The coordinator chose assignment strategy " + name + ", which this consumer did not offer");
    }

    // ---- Staying in the group ------------------------------------------------------------------------

    private long maybeHeartbeat(final long nowMs)
    {
        if (nowMs - lastHeartbeatAckMs > settings.sessionTimeoutMs())
        {
            markCoordinatorUnknown("no heartbeat response within session.timeout.ms");
            lastHeartbeatAckMs = nowMs;
            return 1;
        }
        if (heartbeatInFlight)
        {
            return Long.MAX_VALUE;
        }
        if (nowMs < nextHeartbeatMs)
        {
            return nextHeartbeatMs - nowMs;
        }
        if (!client.ready(coordinatorId, nowMs))
        {
            if (client.connectionFailed(coordinatorId))
            {
                markCoordinatorUnknown("cannot connect");
            }
            return Math.max(1, client.connectionDelayMs(coordinatorId, nowMs));
        }
        heartbeatInFlight = true;
        nextHeartbeatMs = nowMs + settings.heartbeatIntervalMs();
        final HeartbeatRequest request = new HeartbeatRequest(settings.groupId(), generation, memberId, settings.groupInstanceId());
        final int sentGeneration = generation;
        client.send(coordinatorId, ApiKey.HEARTBEAT, ApiKey.HEARTBEAT.latest, v -> request, client.requestTimeoutMs(),
            ResponseHandler.of((version, body) -> onHeartbeat(sentGeneration, HeartbeatResponse.read(body, version)), failure ->
            {
                heartbeatInFlight = false;
                markCoordinatorUnknown("Heartbeat failed: " + failure.getMessage());
            }));
        return settings.heartbeatIntervalMs();
    }

    private void onHeartbeat(final int sentGeneration, final HeartbeatResponse response)
    {
        heartbeatInFlight = false;
        final ErrorCode error = ErrorCode.forCode(response.errorCode());
        final long nowMs = client.clock().nowMs();
        if (sentGeneration != generation)
        {
            return;
        }
        switch (error)
        {
            case NONE:
                lastHeartbeatAckMs = nowMs;
                return;
            case REBALANCE_IN_PROGRESS:
                lastHeartbeatAckMs = nowMs;
                requestRejoin("the group is rebalancing", nowMs);
                return;
            case ILLEGAL_GENERATION:
            case UNKNOWN_MEMBER_ID:
                if (state == MemberState.STABLE || state == MemberState.AWAITING_PERMIT)
                {
                    resetGeneration("Heartbeat failed with " + error, error == ErrorCode.UNKNOWN_MEMBER_ID);
                }
                return;
            case COORDINATOR_NOT_AVAILABLE:
            case NOT_COORDINATOR:
                markCoordinatorUnknown("Heartbeat returned " + error);
                return;
            case COORDINATOR_LOAD_IN_PROGRESS:
                return;
            default:
                onGroupError(error, "Heartbeat");
        }
    }

    private void maybeRejoinOnChange(final long nowMs)
    {
        final Set<String> current = currentTopics();
        if (!current.equals(joinedTopics))
        {
            requestRejoin("the subscription changed from " + joinedTopics + " to " + current, nowMs);
            return;
        }
        if (assignmentSnapshot != null)
        {
            final MetadataSnapshot snapshot = metadata.snapshot();
            for (final Map.Entry<String, Integer> e : assignmentSnapshot.entrySet())
            {
                final int count = Math.max(0, snapshot.partitionCount(e.getKey()));
                if (count != e.getValue() && (count > 0 || snapshot.topicError(e.getKey()) != null))
                {
                    requestRejoin("topic " + e.getKey() + " has " + count + " partitions, not " + e.getValue(), nowMs);
                    return;
                }
            }
        }
    }

    /** Network thread: a rebalance is needed; a no-op while one is being prepared, deferred while one runs. */
    private void requestRejoin(final String reason, final long nowMs)
    {
        switch (state)
        {
            case STABLE:
                transitionToAwaitingPermit(reason);
                break;
            case JOINING:
            case SYNCING:
                rejoinAfterSync = true;
                break;
            default:
                break;
        }
    }

    private void transitionToAwaitingPermit(final String reason)
    {
        LOG.info("[Consumer groupId={}] Request joining group due to: {}", settings.groupId(), reason);
        state = MemberState.AWAITING_PERMIT;
        joinRetryAtMs = 0;
        synchronized (this)
        {
            if (permit == null)
            {
                needsPrepare = true;
            }
        }
    }

    private void transitionToUnjoined()
    {
        state = MemberState.UNJOINED;
        heartbeatInFlight = false;
        rejoinAfterSync = false;
        assignmentSnapshot = null;
        synchronized (this)
        {
            stableGeneration = false;
            permit = null;
            needsPrepare = false;
        }
    }

    /** The member's generation is gone: its partitions are lost and it must rejoin (with a new member id if told so). */
    private void resetGeneration(final String reason, final boolean resetMemberId)
    {
        LOG.info("[Consumer groupId={}] Resetting generation{} due to: {}", settings.groupId(), resetMemberId ? " and member id" : "",
            reason);
        generation = -1;
        ownedGeneration = -1;
        if (resetMemberId)
        {
            memberId = "";
        }
        assignmentSnapshot = null;
        rejoinAfterSync = false;
        state = MemberState.AWAITING_PERMIT;
        joinRetryAtMs = 0;
        synchronized (this)
        {
            stableGeneration = false;
            lost = true;
            permit = null;
            needsPrepare = subscribed;
            pendingAssignment = null;
        }
        client.wakeup();
    }

    private void onPollTimeout()
    {
        LOG.warn("[Consumer groupId={}] consumer poll timeout has expired. This means the time between subsequent calls to poll() was "
            + "longer than the configured max.poll.interval.ms ({} ms), which typically implies that the poll loop is spending too "
            + "much time processing messages. Leaving the group; the next poll() rejoins.", settings.groupId(), settings.maxPollIntervalMs());
        sendLeave("consumer poll timeout has expired", null);
        resetGeneration("consumer poll timeout has expired", settings.groupInstanceId() == null);
        transitionToUnjoined();
        pollTimedOutAt = lastPollMs;
    }

    /**
     * Network thread: leaves the group (LeaveGroup unless static) and forgets the membership.
     *
     * @param done run once the LeaveGroup was answered or failed, or at once when none is sent
     */
    void leaveGroup(final String reason, final Runnable done)
    {
        final boolean sent = sendLeave(reason, done);
        generation = -1;
        ownedGeneration = -1;
        memberId = "";
        requestInFlight = false;
        transitionToUnjoined();
        synchronized (this)
        {
            commitGeneration = Generation.NONE;
            pendingAssignment = null;
        }
        if (!sent && done != null)
        {
            done.run();
        }
    }

    private boolean sendLeave(final String reason, final Runnable done)
    {
        if (settings.groupInstanceId() != null || memberId.isEmpty() || coordinatorId < 0)
        {
            return false;
        }
        LOG.info("[Consumer groupId={}] Member {} sending LeaveGroup request to coordinator due to {}", settings.groupId(), memberId, reason);
        final LeaveGroupRequest request = new LeaveGroupRequest(settings.groupId(), memberId,
            List.of(new LeaveGroupRequest.MemberIdentity(memberId, null, reason)));
        client.send(coordinatorId, ApiKey.LEAVE_GROUP, ApiKey.LEAVE_GROUP.latest, v -> request, client.requestTimeoutMs(),
            ResponseHandler.of((version, body) -> runQuietly(done), failure -> runQuietly(done)));
        return true;
    }

    private static void runQuietly(final Runnable done)
    {
        if (done != null)
        {
            done.run();
        }
    }

    private void onGroupError(final ErrorCode error, final String what)
    {
        final String message = what + " for group " + settings.groupId() + " failed with " + error + " (error code " + error.code + ")";
        LOG.error("[Consumer groupId={}] {}", settings.groupId(), message);
        if (error == ErrorCode.FENCED_INSTANCE_ID)
        {
            onFenced(Errors.forCode(error, message + ": another consumer with the same group.instance.id has replaced this one"));
            return;
        }
        setError(Errors.forCode(error, message));
        if (state == MemberState.JOINING || state == MemberState.SYNCING)
        {
            retryJoin(backoff.backoffMs(joinFailures++, random), message);
        }
    }

    /**
     * Network thread: the coordinator answered FENCED_INSTANCE_ID, so another consumer now holds
     * this member's {@code group.instance.id}. As in Kafka this is terminal: the member stops
     * heartbeating and never rejoins (which would fence the other one in turn), its partitions
     * count as lost, and every later poll and commit throws {@code fencedError} until close.
     */
    void onFenced(final RuntimeException fencedError)
    {
        LOG.error("[Consumer groupId={}] Fenced: {}. This consumer leaves the group for good; close it.", settings.groupId(),
            fencedError.getMessage());
        generation = -1;
        ownedGeneration = -1;
        memberId = "";
        requestInFlight = false;
        transitionToUnjoined();
        synchronized (this)
        {
            if (fenced == null)
            {
                fenced = fencedError;
            }
            lost = true;
            commitGeneration = Generation.NONE;
            pendingAssignment = null;
        }
        client.wakeup();
    }

    private synchronized void setError(final RuntimeException e)
    {
        error = e;
    }

    private synchronized void setStable(final boolean stable)
    {
        stableGeneration = stable;
    }

    // ---- Topics ------------------------------------------------------------------------------------

    private Set<String> currentTopics()
    {
        synchronized (this)
        {
            return topics;
        }
    }

    /** Re-matches a pattern subscription against the latest metadata (once per pattern and metadata version). */
    private void updatePatternTopics()
    {
        final Pattern p;
        synchronized (this)
        {
            p = pattern;
        }
        if (p == null || (p == matchedPattern && metadata.version() == matchedMetadataVersion))
        {
            return;
        }
        matchedPattern = p;
        matchedMetadataVersion = metadata.version();
        final Set<String> matched = new TreeSet<>();
        for (final TopicMetadata topic : metadata.snapshot().topics().values())
        {
            if (p.matcher(topic.name()).matches() && !(settings.excludeInternalTopics() && topic.internal()))
            {
                matched.add(topic.name());
            }
        }
        synchronized (this)
        {
            if (pattern == p)
            {
                topics = Set.copyOf(matched);
            }
        }
    }

    /** Whether the metadata knows (or has an error for) every topic to join with, or has no update pending. */
    private boolean metadataReady(final Set<String> joinTopics)
    {
        if (!metadata.updateRequested())
        {
            return true;
        }
        if (metadata.allTopics())
        {
            return false;
        }
        final MetadataSnapshot snapshot = metadata.snapshot();
        for (final String topic : joinTopics)
        {
            if (snapshot.topic(topic) == null && snapshot.topicError(topic) == null)
            {
                return false;
            }
        }
        return true;
    }

    private static byte[] bytes(final ByteBuffer buffer)
    {
        final byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    /** For tests and logs. */
    MemberState state()
    {
        return state;
    }

    String memberId()
    {
        return memberId;
    }

    int generation()
    {
        return generation;
    }
}
