package io.osprey.replication;

import io.osprey.common.ErrorCode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fast classes against naive models: the high watermark against "max of its old value and
 * the minimum log end over the maximal ISR", and follower truncation against "the first offset
 * where the two logs differ". Each try draws its history from a seeded {@link Random}.
 */
class ReplicationPropertiesTest
{
    private static final int LEADER = 0;
    private static final List<Integer> REPLICAS = List.of(0, 1, 2, 3);

    @Property(tries = 300)
    void shouldKeepHighWatermarkAtMinimumLogEndOverMaximalIsrNeverDecreasing(@ForAll final long seed)
    {
        final Random random = new Random(seed);
        final LeaderEpochCache cache = new LeaderEpochCache();
        cache.assign(1, 0);
        long leo = random.nextInt(20);
        final long initialHw = random.nextInt(30);
        List<Integer> isr = randomIsr(random);
        int partitionEpoch = 0;
        final LeaderReplicaState s = new LeaderReplicaState(LEADER, 1, partitionEpoch, REPLICAS, isr, leo, initialHw, 0);
        final long[] followerLeo = {-1, -1, -1, -1};
        // The constructor already applies the rule: with the leader alone in the ISR, the HW is its LEO.
        long modelHw = isr.size() == 1 ? leo : Math.min(initialHw, leo);
        Set<Integer> pendingAdds = new HashSet<>();
        IsrProposal pending = null;
        for (int step = 0; step < 200; step++)
        {
            final int op = random.nextInt(10);
            final long nowMs = step * 10L;
            if (op < 3)
            {
                leo += random.nextInt(5);
                s.onLeaderAppend(leo);
            }
            else if (op < 7)
            {
                final int r = 1 + random.nextInt(3);
                final long offset = random.nextInt((int)leo + 1);
                assertThat(s.onFollowerFetch(r, 1, 1, 1, offset, cache, nowMs)).isEqualTo(FollowerFetchStatus.ACCEPTED);
                followerLeo[r] = offset;
            }
            else if (op == 7 && pending == null)
            {
                pending = random.nextBoolean() ? s.maybeProposeExpand(b -> true) : s.maybeProposeShrink(nowMs, 20);
                if (pending != null)
                {
                    pendingAdds = new HashSet<>(pending.newIsr());
                    pendingAdds.removeAll(isr);
                }
            }
            else if (op == 8 && pending != null)
            {
                if (random.nextBoolean())
                {
                    isr = pending.newIsr();
                    s.onPartitionState(++partitionEpoch, REPLICAS, isr, nowMs);
                }
                else
                {
                    s.onAlterPartitionResponse(pending, ErrorCode.INVALID_REQUEST);
                }
                pending = null;
                pendingAdds = new HashSet<>();
            }
            else if (op == 9)
            {
                // Someone else changed the ISR (the controller fenced a broker): the pending proposal is void.
                isr = randomIsr(random);
                s.onPartitionState(++partitionEpoch, REPLICAS, isr, nowMs);
                pending = null;
                pendingAdds = new HashSet<>();
            }
            long min = leo;
            for (int r = 1; r < 4; r++)
            {
                if (isr.contains(r) || pendingAdds.contains(r))
                {
                    min = Math.min(min, followerLeo[r]);
                }
            }
            modelHw = Math.max(modelHw, min);
            assertThat(s.highWatermark()).as("step %d isr %s pending %s: %s", step, isr, pendingAdds, s).isEqualTo(modelHw);
            assertThat(s.pendingProposal()).isSameAs(pending);
            assertThat(s.maximalIsrSize()).isEqualTo(isr.size() + pendingAdds.size());
        }
    }

    private static List<Integer> randomIsr(final Random random)
    {
        final List<Integer> isr = new ArrayList<>(List.of(LEADER));
        for (int r = 1; r < 4; r++)
        {
            if (random.nextBoolean())
            {
                isr.add(r);
            }
        }
        return isr;
    }

    /**
     * Two logs with a common prefix, then each side's own history: the side that continues the
     * prefix's last epoch may do so (only one side: one leader writes each epoch), then fresh
     * epochs, drawn from one counter so no epoch is written on both sides. Truncating by the
     * protocol (the leader answers with its epoch end, the follower truncates, repeat) must stop
     * exactly at the first offset where the logs differ, never below it on the way.
     */
    @Property(tries = 1_000)
    void shouldTruncateExactlyToTheFirstDivergence(@ForAll final long seed)
    {
        final Random random = new Random(seed);
        final List<Integer> prefix = new ArrayList<>();
        int epoch = random.nextInt(3);
        for (int segments = random.nextInt(4); segments > 0; segments--)
        {
            epoch += 1 + random.nextInt(2);
            for (int n = random.nextInt(4); n > 0; n--)
            {
                prefix.add(epoch);
            }
        }
        final List<Integer> leader = new ArrayList<>(prefix);
        final List<Integer> follower = new ArrayList<>(prefix);
        final int[] nextEpoch = {epoch + 1};
        final boolean leaderContinues = random.nextBoolean();
        if (!prefix.isEmpty())
        {
            final int last = prefix.get(prefix.size() - 1);
            for (int n = random.nextInt(3); n > 0; n--)
            {
                (leaderContinues ? leader : follower).add(last);
            }
        }
        // Interleave fresh epochs between the sides so either may hold the larger ones.
        for (int segments = random.nextInt(6); segments > 0; segments--)
        {
            final List<Integer> side = random.nextBoolean() ? leader : follower;
            final int e = nextEpoch[0]++;
            for (int n = 1 + random.nextInt(3); n > 0; n--)
            {
                side.add(e);
            }
        }
        final int firstDivergence = firstDivergence(leader, follower);
        final LeaderEpochCache leaderCache = cacheOf(leader);
        final List<Integer> log = new ArrayList<>(follower);
        for (int round = 0; ; round++)
        {
            assertThat(round).as("rounds for leader %s follower %s", leader, follower).isLessThan(20);
            final LeaderEpochCache followerCache = cacheOf(log);
            final int lastEpoch = followerCache.latestEpoch();
            final LeaderEpochCache.EpochEnd answer = leaderCache.offsetForLeaderEpoch(lastEpoch, leader.size());
            final boolean diverges = lastEpoch != LeaderEpochCache.UNDEFINED_EPOCH
                && (answer.epoch() < lastEpoch || answer.endOffset() < log.size());
            assertThat(leaderCache.followerDiverges(lastEpoch, log.size(), leader.size())).isEqualTo(diverges);
            if (!diverges)
            {
                break;
            }
            final FollowerState.Truncation t = FollowerState.truncationFor(followerCache, log.size(), answer);
            assertThat(t.offset()).as("leader %s follower %s now %s answer %s", leader, follower, log, answer)
                .isGreaterThanOrEqualTo(firstDivergence).isLessThan(log.size());
            log.subList((int)t.offset(), log.size()).clear();
        }
        assertThat(log.size()).as("leader %s follower %s", leader, follower).isEqualTo(Math.min(firstDivergence, follower.size()));
        assertThat(leader.subList(0, log.size())).isEqualTo(log);
    }

    private static int firstDivergence(final List<Integer> a, final List<Integer> b)
    {
        final int n = Math.min(a.size(), b.size());
        for (int i = 0; i < n; i++)
        {
            if (!a.get(i).equals(b.get(i)))
            {
                return i;
            }
        }
        return n;
    }

    private static LeaderEpochCache cacheOf(final List<Integer> epochs)
    {
        final LeaderEpochCache c = new LeaderEpochCache();
        for (int i = 0; i < epochs.size(); i++)
        {
            if (epochs.get(i) > c.latestEpoch())
            {
                c.assign(epochs.get(i), i);
            }
        }
        return c;
    }
}
