package io.osprey.replication;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs {@link ReplicationSimulation} over many seeds. A failure message starts with the seed;
 * {@code OSPREY_SIM_SEED=N} in the environment (or {@code -Dosprey.sim.seed=N} in the test JVM)
 * replays that one seed alone, {@code OSPREY_SIM_MS} sets the faulty phase's length (the slow
 * run uses 30000) and {@code OSPREY_SIM_TRACE} how many events the failure message lists.
 */
class ReplicationSimulationTest
{
    private static final long DEFAULT_FAULTY_MS = 20_000;

    @Test
    void shouldNeverLoseCommittedRecordsUnderFaults()
    {
        runSeeds(1, 200, DEFAULT_FAULTY_MS);
    }

    @Test
    @Tag("slow")
    void shouldNeverLoseCommittedRecordsUnderFaultsOverManySeeds()
    {
        runSeeds(10_000, 3_000, 30_000);
    }

    private static void runSeeds(final long firstSeed, final int count, final long faultyMs)
    {
        final String only = setting("osprey.sim.seed", "OSPREY_SIM_SEED");
        final String msSetting = setting("osprey.sim.ms", "OSPREY_SIM_MS");
        final long ms = msSetting == null ? faultyMs : Long.parseLong(msSetting);
        final ReplicationSimulation.Stats total = new ReplicationSimulation.Stats();
        if (only != null)
        {
            final ReplicationSimulation sim = new ReplicationSimulation(Long.parseLong(only));
            sim.run(ms);
            System.out.println("seed " + only + ": " + sim.stats());
            return;
        }
        for (long seed = firstSeed; seed < firstSeed + count; seed++)
        {
            final ReplicationSimulation sim = new ReplicationSimulation(seed);
            sim.run(ms);
            total.add(sim.stats());
        }
        System.out.println(count + " seeds from " + firstSeed + ": " + total);
        // The faults must have happened, or the invariants were checked against nothing.
        assertThat(total.acked).isGreaterThan(count * 50L);
        assertThat(total.crashes).isGreaterThan(count / 2);
        assertThat(total.lostUnflushed).isGreaterThan(0);
        assertThat(total.truncations).isGreaterThan(0);
        assertThat(total.leaderChanges).isGreaterThan(count * 2L);
        assertThat(total.zombieWindows).isGreaterThan(0);
        assertThat(total.isrChanges).isGreaterThan(count * 2L);
        // The controller's KIP-903 check refused additions of restarted replicas (INELIGIBLE_REPLICA).
        assertThat(total.ineligibleRefusals).isGreaterThan(0);
    }

    static String setting(final String property, final String environment)
    {
        final String value = System.getProperty(property);
        return value != null ? value : System.getenv(environment);
    }
}
