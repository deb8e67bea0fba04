package io.osprey.replication;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FollowerStateTest
{
    private static LeaderEpochCache cache(final int... epochAndStart)
    {
        final LeaderEpochCache c = new LeaderEpochCache();
        for (int i = 0; i < epochAndStart.length; i += 2)
        {
            c.assign(epochAndStart[i], epochAndStart[i + 1]);
        }
        return c;
    }

    @Test
    void shouldTakeTheLeadersHighWatermarkCappedAtItsOwnLogEnd()
    {
        final FollowerState f = new FollowerState(2, 5, 50, 40);
        assertThat(f.highWatermark()).isEqualTo(40);
        assertThat(f.onFetchResponse(60, 55)).isEqualTo(55);
        assertThat(f.onFetchResponse(52, 55)).as("a new leader's may be lower").isEqualTo(52);
        f.onTruncated(45);
        assertThat(f.highWatermark()).isEqualTo(45);
        assertThat(f.leaderId()).isEqualTo(2);
        assertThat(f.leaderEpoch()).isEqualTo(5);
    }

    @Test
    void shouldTruncateToTheSmallerEndOfTheCommonEpoch()
    {
        // Follower: epoch 3 from 10 to its end 16. Leader: epoch 3 ended at 13.
        assertThat(FollowerState.truncationFor(cache(1, 0, 3, 10), 16, new LeaderEpochCache.EpochEnd(3, 13)))
            .isEqualTo(new FollowerState.Truncation(13, true));
        // Follower wrote epoch 4 (never on the leader) from 12; the leader has epoch 3 up to 16.
        assertThat(FollowerState.truncationFor(cache(1, 0, 3, 10, 4, 12), 14, new LeaderEpochCache.EpochEnd(3, 16)))
            .isEqualTo(new FollowerState.Truncation(12, true));
    }

    @Test
    void shouldTruncateInRoundsWhenItLacksTheLeadersEpoch()
    {
        // Follower epochs 1, 4, 6; the leader's largest epoch <= 6 is 5, which the follower never had.
        final LeaderEpochCache follower = cache(1, 0, 4, 20, 6, 30);
        final FollowerState.Truncation first = FollowerState.truncationFor(follower, 35, new LeaderEpochCache.EpochEnd(5, 28));
        assertThat(first).isEqualTo(new FollowerState.Truncation(30, false));
        follower.truncateFromEnd(first.offset());
        // Next round asks about epoch 4; the leader has it up to 25.
        assertThat(FollowerState.truncationFor(follower, 30, new LeaderEpochCache.EpochEnd(4, 25)))
            .isEqualTo(new FollowerState.Truncation(25, true));
    }

    @Test
    void shouldHandleUndefinedAnswersAndEmptyLogs()
    {
        assertThat(FollowerState.truncationFor(cache(1, 0), 10, LeaderEpochCache.EpochEnd.UNDEFINED))
            .isEqualTo(new FollowerState.Truncation(10, true));
        assertThat(FollowerState.truncationFor(cache(), 10, new LeaderEpochCache.EpochEnd(2, 4)))
            .isEqualTo(new FollowerState.Truncation(4, true));
        assertThat(FollowerState.truncationFor(cache(1, 0), 10, new LeaderEpochCache.EpochEnd(LeaderEpochCache.UNDEFINED_EPOCH, 7)))
            .isEqualTo(new FollowerState.Truncation(7, true));
        // The leader's epoch is older than all of the follower's: keep nothing from before the follower's first epoch.
        assertThat(FollowerState.truncationFor(cache(3, 5), 10, new LeaderEpochCache.EpochEnd(2, 8)))
            .isEqualTo(new FollowerState.Truncation(5, true));
    }
}
