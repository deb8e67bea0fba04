package io.osprey.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;

import org.junit.jupiter.api.Test;

class ExponentialBackoffTest
{
    @Test
    void shouldDoubleFromInitialToMaxWithinTheJitter()
    {
        final ExponentialBackoff backoff = ExponentialBackoff.doubling(50, 1000);
        final Random random = new Random(3);
        final long[] terms = {50, 100, 200, 400, 800, 1000, 1000, 1000};
        for (int attempt = 0; attempt < terms.length; attempt++)
        {
            for (int sample = 0; sample < 200; sample++)
            {
                assertThat(backoff.backoffMs(attempt, random)).as("attempt %d", attempt)
                    .isBetween((long)(terms[attempt] * 0.8), (long)(terms[attempt] * 1.2));
            }
        }
        assertThat(backoff.backoffMs(Long.MAX_VALUE, random)).as("no overflow").isBetween(800L, 1200L);
    }

    @Test
    void shouldSpreadWaitsRatherThanRepeatOne()
    {
        final ExponentialBackoff backoff = ExponentialBackoff.doubling(1000, 1000);
        final Random random = new Random(5);
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < 1000; i++)
        {
            final long wait = backoff.backoffMs(0, random);
            min = Math.min(min, wait);
            max = Math.max(max, wait);
        }
        assertThat(max - min).as("jitter spreads reconnects of many clients").isGreaterThan(300);
    }

    @Test
    void shouldTreatAMaxBelowInitialAsInitialAndZeroAsNoWait()
    {
        assertThat(ExponentialBackoff.doubling(500, 100).maxMs()).isEqualTo(500);
        assertThat(new ExponentialBackoff(0, 2, 1000, 0.2).backoffMs(3, new Random(1))).isZero();
        assertThat(new ExponentialBackoff(100, 2, 1000, 0).backoffMs(2, new Random(1))).isEqualTo(400);
        assertThatThrownBy(() -> new ExponentialBackoff(100, 1, 1000, 0.2)).isInstanceOf(IllegalArgumentException.class);
    }
}
