package io.osprey.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ValuesTest
{
    @Test
    void shouldReadBackWhatItWrites()
    {
        final byte[] bytes = Values.toBytes(2, 123_456_789L, 100);

        assertThat(bytes).hasSize(100);
        assertThat(new String(bytes, StandardCharsets.US_ASCII)).startsWith("p2-123456789.");
        assertThat(Values.parse(bytes)).isEqualTo(Values.encode(2, 123_456_789L));
        assertThat(Values.producer(Values.parse(bytes))).isEqualTo(2);
        assertThat(Values.sequence(Values.parse(bytes))).isEqualTo(123_456_789L);
    }

    @Test
    void shouldNeverEncodeToTheEmptyOrUnreadableMarkers()
    {
        assertThat(Values.encode(0, 0)).isPositive();
        assertThat(Values.describe(Values.encode(0, 0))).isEqualTo("p0-0");
    }

    @Test
    void shouldCallAnythingElseUnreadable()
    {
        for (final String s : new String[] {"", "x1-2", "p-2", "p1-", "p1-2x", "p1+2", "p1-2.. ."})
        {
            assertThat(Values.parse(s.getBytes(StandardCharsets.US_ASCII))).as(s).isEqualTo(Values.UNREADABLE);
        }
        assertThat(Values.parse(null)).isEqualTo(Values.UNREADABLE);
    }
}
