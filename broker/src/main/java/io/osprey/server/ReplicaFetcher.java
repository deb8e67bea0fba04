package io.osprey.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.common.TopicPartition;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.MemoryRecords;
import io.osprey.protocol.message.FetchRequest;
import io.osprey.protocol.message.FetchResponse;
import io.osprey.replication.LeaderEpochCache;

/**
 * Fetches every partition this broker follows from one source broker (the leader), in one
 * pipelined Fetch per round, as Kafka's replica fetcher thread: replica id and broker epoch,
 * each partition's current leader epoch, log end offset and last fetched epoch. The leader holds
 * the fetch up to {@code replica.fetch.wait.max.ms} until it has new data (the long poll), so a
 * new batch reaches the followers at once.
 * <p>
 * Each answer is applied on the partition's log agent (the log's single writer): records are
 * appended as they are, a diverging epoch truncates the log to where it agrees with the leader,
 * an out-of-range offset starts over at the leader's log start or drops what the leader does
 * not have; the next round waits until they are applied, since it fetches from the new log end.
 * Errors that a metadata change will settle (fenced or unknown leader epoch, not leader) pause
 * that partition for the fetch backoff; a lost connection pauses the round.
 * <p>
 * Thread-safety: {@link #add}/{@link #remove} from the metadata thread; the rest on this
 * fetcher's own thread.
 */
final class ReplicaFetcher implements Runnable
{
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaFetcher.class);
    private static final short FETCH_VERSION = 12;
    /** How long applying one response may take before the fetcher gives up waiting (a stuck agent). */
    private static final long APPLY_WAIT_MS = 30_000;

    /** One followed partition, for one leader epoch. */
    static final class FetchState
    {
        final Partition partition;
        final int leaderEpoch;
        volatile long retryAtMs;

        FetchState(final Partition partition, final int leaderEpoch)
        {
            this.partition = partition;
            this.leaderEpoch = leaderEpoch;
        }
    }

    /** How this broker fetches; from the broker config. */
    record Settings(int localBrokerId, long brokerEpoch, String clusterId, int maxWaitMs, int minBytes, int maxBytes,
        int partitionMaxBytes, int socketTimeoutMs, int backoffMs)
    {
    }

    private final int sourceBrokerId;
    private final Settings settings;
    /** The source broker's {@code host:port} in the current image, or null when it has none. */
    private final IntFunction<String> endpoints;
    private final Map<TopicPartition, FetchState> partitions = new ConcurrentHashMap<>();
    private final Object wakeup = new Object();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile ReplicaConnection connection;
    /** Where the next round starts in the partition list: rotating it keeps a busy partition from starving the rest. */
    private int rotation;

    ReplicaFetcher(final int sourceBrokerId, final Settings settings, final IntFunction<String> endpoints)
    {
        this.sourceBrokerId = sourceBrokerId;
        this.settings = settings;
        this.endpoints = endpoints;
        thread = new Thread(this, "osprey-replica-fetcher-" + sourceBrokerId);
        thread.setDaemon(true);
    }

    void start()
    {
        thread.start();
    }

    int sourceBrokerId()
    {
        return sourceBrokerId;
    }

    void add(final Partition partition, final int leaderEpoch)
    {
        partitions.put(partition.topicPartition(), new FetchState(partition, leaderEpoch));
        synchronized (wakeup)
        {
            wakeup.notifyAll();
        }
    }

    void remove(final TopicPartition tp)
    {
        partitions.remove(tp);
    }

    boolean isEmpty()
    {
        return partitions.isEmpty();
    }

    void close()
    {
        running = false;
        thread.interrupt();
        final ReplicaConnection c = connection;
        if (c != null)
        {
            c.close();
        }
        // No join: this runs on the metadata thread, which must not wait for a fetch in flight;
        // the thread sees running=false and ends by itself.
    }

    @Override
    public void run()
    {
        while (running)
        {
            try
            {
                if (!fetchOnce())
                {
                    synchronized (wakeup)
                    {
                        wakeup.wait(50);
                    }
                }
            }
            catch (final InterruptedException e)
            {
                if (!running)
                {
                    break;
                }
            }
            catch (final IOException e)
            {
                closeConnection();
                if (running)
                {
                    LOG.info("Replica fetch from broker {} failed ({}); retrying in {} ms", sourceBrokerId, e.toString(),
                        settings.backoffMs());
                    sleep(settings.backoffMs());
                }
            }
            catch (final RuntimeException e)
            {
                closeConnection();
                LOG.error("Replica fetcher for broker {} failed; retrying", sourceBrokerId, e);
                sleep(settings.backoffMs());
            }
        }
        closeConnection();
    }

    /** One round; false when there was nothing to fetch (the caller waits a little). */
    private boolean fetchOnce() throws IOException, InterruptedException
    {
        final long nowMs = System.currentTimeMillis();
        final Map<String, List<FetchRequest.FetchPartition>> byTopic = new java.util.LinkedHashMap<>();
        final Map<TopicPartition, FetchState> sent = new HashMap<>();
        final List<FetchState> all = new ArrayList<>(partitions.values());
        final int n = all.size();
        rotation = n == 0 ? 0 : (rotation + 1) % n;
        for (int i = 0; i < n; i++)
        {
            // The leader fills the response in request order up to its byte budget: start at another
            // partition each round so that the last ones are not always left out.
            final FetchState st = all.get((rotation + i) % n);
            if (st.retryAtMs > nowMs || st.partition.isDeleted())
            {
                continue;
            }
            final TopicPartition tp = st.partition.topicPartition();
            // Read here, on this thread: only this fetcher's applied answers change a follower's log.
            final long fetchOffset = st.partition.log().logEndOffset();
            final int lastFetchedEpoch = st.partition.log().leaderEpochCache().latestEpoch();
            byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(new FetchRequest.FetchPartition(tp.partition(),
                st.leaderEpoch, fetchOffset, lastFetchedEpoch, st.partition.log().logStartOffset(), settings.partitionMaxBytes()));
            sent.put(tp, st);
        }
        if (sent.isEmpty())
        {
            return false;
        }
        final List<FetchRequest.FetchTopic> topics = new ArrayList<>(byTopic.size());
        for (final Map.Entry<String, List<FetchRequest.FetchPartition>> e : byTopic.entrySet())
        {
            topics.add(new FetchRequest.FetchTopic(e.getKey(), e.getValue()));
        }
        final FetchRequest request = new FetchRequest(settings.clusterId(), settings.localBrokerId(), settings.maxWaitMs(),
            settings.minBytes(), settings.maxBytes(), (byte)0, 0, -1, topics, List.of(), "", settings.brokerEpoch());
        final FetchResponse response = FetchResponse.read(connection().request(ApiKey.FETCH, FETCH_VERSION, request),
            FETCH_VERSION);
        if (response.errorCode() != ErrorCode.NONE.code)
        {
            throw new IOException("Fetch from broker " + sourceBrokerId + " failed: " + ErrorCode.forCode(response.errorCode()));
        }
        apply(response, sent);
        return true;
    }

    private void apply(final FetchResponse response, final Map<TopicPartition, FetchState> sent) throws InterruptedException
    {
        final List<Runnable> tasks = new ArrayList<>();
        final List<FetchState> targets = new ArrayList<>();
        final long nowMs = System.currentTimeMillis();
        for (final FetchResponse.TopicResponse topic : response.responses())
        {
            for (final FetchResponse.PartitionData pd : topic.partitions())
            {
                final TopicPartition tp = new TopicPartition(topic.topic(), pd.partitionIndex());
                final FetchState st = sent.get(tp);
                if (st == null || partitions.get(tp) != st)
                {
                    continue; // no longer followed in that epoch
                }
                final ErrorCode code = ErrorCode.forCode(pd.errorCode());
                if (code == ErrorCode.NONE)
                {
                    final FetchResponse.EpochEndOffset diverging = pd.divergingEpoch();
                    if (diverging != null && (diverging.epoch() >= 0 || diverging.endOffset() >= 0))
                    {
                        final LeaderEpochCache.EpochEnd answer = new LeaderEpochCache.EpochEnd(diverging.epoch(), diverging.endOffset());
                        tasks.add(() ->
                        {
                            if (st.partition.truncateAsFollower(st.leaderEpoch, answer) < 0)
                            {
                                st.retryAtMs = System.currentTimeMillis() + Math.min(settings.backoffMs(), 200);
                            }
                        });
                    }
                    else
                    {
                        final ByteBuffer records = pd.records() instanceof MemoryRecords m ? m.buffer() : null;
                        final long hw = pd.highWatermark();
                        final long leaderLogStart = pd.logStartOffset();
                        tasks.add(() ->
                        {
                            if (!st.partition.appendAsFollower(st.leaderEpoch, records, hw, leaderLogStart, System.currentTimeMillis()))
                            {
                                // The agent has not taken the new role yet (or dropped it): do not refetch at once.
                                st.retryAtMs = System.currentTimeMillis() + Math.min(settings.backoffMs(), 200);
                            }
                        });
                    }
                    targets.add(st);
                }
                else if (code == ErrorCode.OFFSET_OUT_OF_RANGE)
                {
                    final long fetchOffset = st.partition.log().logEndOffset();
                    final long logStart = pd.logStartOffset();
                    final long hw = pd.highWatermark();
                    tasks.add(() -> st.partition.resetAsFollower(st.leaderEpoch, fetchOffset, logStart, hw,
                        System.currentTimeMillis()));
                    targets.add(st);
                }
                else
                {
                    // FENCED_LEADER_EPOCH, UNKNOWN_LEADER_EPOCH, NOT_LEADER_OR_FOLLOWER, ...: metadata will settle it.
                    LOG.debug("Fetch of {} from broker {} at leader epoch {}: {}", tp, sourceBrokerId, st.leaderEpoch, code);
                    st.retryAtMs = nowMs + Math.min(settings.backoffMs(), 200);
                }
            }
        }
        if (tasks.isEmpty())
        {
            return;
        }
        final CountDownLatch applied = new CountDownLatch(tasks.size());
        for (int i = 0; i < tasks.size(); i++)
        {
            final Runnable task = tasks.get(i);
            final FetchState st = targets.get(i);
            // On this thread when the agent is idle: the fetcher waits for the append anyway, and the next fetch (which
            // tells the leader this follower has the records) goes out without waking the agent and waiting to be woken.
            st.partition.agent().runInlineOrSubmit(now ->
            {
                try
                {
                    task.run();
                }
                catch (final OspreyException e)
                {
                    LOG.warn("Applying the fetch of {} from broker {} failed: {}", st.partition.topicPartition(), sourceBrokerId,
                        e.getMessage());
                    st.retryAtMs = System.currentTimeMillis() + settings.backoffMs();
                }
                catch (final RuntimeException e)
                {
                    LOG.error("Applying the fetch of {} from broker {} failed", st.partition.topicPartition(), sourceBrokerId, e);
                    st.retryAtMs = System.currentTimeMillis() + settings.backoffMs();
                }
                finally
                {
                    applied.countDown();
                }
            });
        }
        if (!applied.await(APPLY_WAIT_MS, TimeUnit.MILLISECONDS))
        {
            // The pending tasks still refer to the response buffer: drop it with the connection.
            LOG.warn("Applying a fetch from broker {} took more than {} ms", sourceBrokerId, APPLY_WAIT_MS);
            closeConnection();
        }
    }

    private ReplicaConnection connection() throws IOException
    {
        if (connection == null)
        {
            final String endpoint = endpoints.apply(sourceBrokerId);
            if (endpoint == null)
            {
                throw new IOException("broker " + sourceBrokerId + " has no endpoint in the metadata");
            }
            final int colon = endpoint.lastIndexOf(':');
            connection = new ReplicaConnection(endpoint.substring(0, colon), Integer.parseInt(endpoint.substring(colon + 1)),
                settings.socketTimeoutMs(), "osprey-replica-fetcher-" + settings.localBrokerId());
        }
        return connection;
    }

    private void closeConnection()
    {
        final ReplicaConnection c = connection;
        connection = null;
        if (c != null)
        {
            c.close();
        }
    }

    private void sleep(final long ms)
    {
        try
        {
            Thread.sleep(Math.max(1, ms));
        }
        catch (final InterruptedException e)
        {
            // closing
        }
    }
}
