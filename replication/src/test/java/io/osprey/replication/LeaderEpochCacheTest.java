package io.osprey.replication;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LeaderEpochCacheTest
{
    @Test
    void shouldAnswerEndOffsetsPerEpoch()
    {
        final LeaderEpochCache cache = new LeaderEpochCache();
        cache.assign(1, 0);
        cache.assign(3, 10);
        cache.assign(4, 25);

        assertThat(cache.endOffsetFor(1, 40)).isEqualTo(new LeaderEpochCache.EpochEnd(1, 10));
        assertThat(cache.endOffsetFor(2, 40)).isEqualTo(new LeaderEpochCache.EpochEnd(1, 10));
        assertThat(cache.endOffsetFor(3, 40)).isEqualTo(new LeaderEpochCache.EpochEnd(3, 25));
        assertThat(cache.endOffsetFor(4, 40)).isEqualTo(new LeaderEpochCache.EpochEnd(4, 40));
        assertThat(cache.endOffsetFor(9, 40)).isEqualTo(new LeaderEpochCache.EpochEnd(4, 40));
        assertThat(cache.endOffsetFor(0, 40)).isEqualTo(LeaderEpochCache.EpochEnd.UNDEFINED);
        assertThat(cache.epochForOffset(12)).isEqualTo(3);
    }

    @Test
    void shouldAnswerOffsetForLeaderEpochAsKafkaDoesAtTheEdges()
    {
        final LeaderEpochCache cache = new LeaderEpochCache();
        assertThat(cache.offsetForLeaderEpoch(3, 0)).as("empty log").isEqualTo(new LeaderEpochCache.EpochEnd(3, 0));
        cache.assign(2, 5);
        cache.assign(4, 10);
        assertThat(cache.offsetForLeaderEpoch(LeaderEpochCache.UNDEFINED_EPOCH, 20)).isEqualTo(LeaderEpochCache.EpochEnd.UNDEFINED);
        assertThat(cache.offsetForLeaderEpoch(1, 20)).as("older than every entry").isEqualTo(new LeaderEpochCache.EpochEnd(1, 5));
        assertThat(cache.offsetForLeaderEpoch(3, 20)).isEqualTo(new LeaderEpochCache.EpochEnd(2, 10));
        assertThat(cache.offsetForLeaderEpoch(4, 20)).isEqualTo(new LeaderEpochCache.EpochEnd(4, 20));
        assertThat(cache.offsetForLeaderEpoch(7, 20)).isEqualTo(new LeaderEpochCache.EpochEnd(4, 20));
    }

    @Test
    void shouldSeeADivergingFollowerWithoutAllocating()
    {
        final LeaderEpochCache cache = new LeaderEpochCache();
        cache.assign(2, 5);
        cache.assign(4, 10);
        assertThat(cache.followerDiverges(LeaderEpochCache.UNDEFINED_EPOCH, 99, 20)).isFalse();
        assertThat(cache.followerDiverges(4, 20, 20)).isFalse();
        assertThat(cache.followerDiverges(4, 21, 20)).as("past the end").isTrue();
        assertThat(cache.followerDiverges(2, 10, 20)).isFalse();
        assertThat(cache.followerDiverges(2, 11, 20)).as("epoch 2 ended at 10 here").isTrue();
        assertThat(cache.followerDiverges(3, 8, 20)).as("epoch 3 never written here").isTrue();
        assertThat(cache.followerDiverges(1, 5, 20)).isFalse();
        assertThat(cache.followerDiverges(1, 6, 20)).isTrue();
    }

    @Test
    void shouldIgnoreOlderOrEqualEpochsAndLetANewLeaderReplaceLaterStarts()
    {
        final LeaderEpochCache cache = new LeaderEpochCache();
        assertThat(cache.assign(2, 5)).isTrue();
        assertThat(cache.assign(2, 9)).isFalse();
        assertThat(cache.assign(1, 9)).isFalse();
        cache.assign(3, 20);
        assertThat(cache.assign(4, 15)).isTrue();
        assertThat(cache.entries()).containsExactly(new LeaderEpochCache.Entry(2, 5), new LeaderEpochCache.Entry(4, 15));
    }

    @Test
    void shouldTruncateFromBothEnds()
    {
        final LeaderEpochCache cache = new LeaderEpochCache();
        cache.assign(1, 0);
        cache.assign(2, 10);
        cache.assign(3, 20);
        assertThat(cache.truncateFromEnd(20)).isTrue();
        assertThat(cache.latestEpoch()).isEqualTo(2);
        assertThat(cache.truncateFromStart(12)).isTrue();
        assertThat(cache.entries()).containsExactly(new LeaderEpochCache.Entry(2, 12));
        assertThat(cache.truncateFromEnd(100)).isFalse();
    }
}
