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
