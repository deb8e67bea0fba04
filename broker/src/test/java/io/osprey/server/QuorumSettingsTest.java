package io.osprey.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import io.osprey.config.BrokerConfig;
import io.osprey.controller.quorum.QuorumConfig;
import io.osprey.controller.quorum.Voter;

class QuorumSettingsTest
{
    private static final Map<String, String> BASE = Map.of("node.id", "1", "log.dirs", "/tmp/osprey-quorum-settings-test");

    @Test
    void shouldGiveACombinedNodeTheQuorumDefaultsOfAStandaloneVoter()
    {
        final QuorumConfig fromNode = QuorumSettings.quorumConfig(BrokerConfig.parse(BASE));
        final Map<String, String> standalone = new TreeMap<>(Map.of(QuorumConfig.NODE_ID, "1",
            QuorumConfig.VOTERS, "1@127.0.0.1:9093", QuorumConfig.DATA_DIR, "/tmp/osprey-quorum-settings-test/controller-metadata"));

        assertThat(fromNode).isEqualTo(QuorumConfig.from(standalone));
        assertThat(fromNode.controller().brokerSessionTimeoutMs()).isEqualTo(1_500);
    }

    @Test
    void shouldBuildTheVotersTheControllerReadsFromItsVotersText()
    {
        final Map<String, String> props = new TreeMap<>(BASE);
        props.put("controller.quorum.voters", "1@[::1]:9093,2@node-2:9193");
        final BrokerConfig config = BrokerConfig.parse(props);

        assertThat(QuorumSettings.voters(config)).containsExactly(new Voter(1, "[::1]", 9093), new Voter(2, "node-2", 9193))
            .isEqualTo(Voter.parseList(QuorumSettings.votersText(config)));
        final BrokerConfig standalone = BrokerConfig.parse(BASE);
        assertThat(QuorumSettings.voters(standalone)).containsExactly(new Voter(1, "127.0.0.1", 9093))
            .isEqualTo(Voter.parseList(QuorumSettings.votersText(standalone)));
    }

    @Test
    void shouldPassTheQuorumTuningKeysOfServerProperties()
    {
        final Map<String, String> props = new TreeMap<>(BASE);
        props.put("controller.quorum.aeron.dir", "/tmp/osprey-quorum-settings-test/aeron");
        props.put("controller.quorum.aeron.leader.heartbeat.timeout.ms", "2000");
        props.put("controller.quorum.aeron.leader.heartbeat.interval.ms", "150");
        props.put("controller.quorum.aeron.election.timeout.ms", "700");
        props.put("controller.quorum.idle.strategy", "backoff");
        props.put("controller.quorum.idle.park.max.ms", "5");
        props.put("controller.quorum.log.term.bytes", "262144");
        props.put("controller.quorum.snapshot.records", "500");
        props.put("metadata.log.max.snapshot.interval.ms", "60000");
        props.put("broker.session.timeout.ms", "1800");

        final QuorumConfig q = QuorumSettings.quorumConfig(BrokerConfig.parse(props));

        assertThat(q.aeronDir()).isEqualTo("/tmp/osprey-quorum-settings-test/aeron");
        assertThat(q.leaderHeartbeatTimeoutMs()).isEqualTo(2_000);
        assertThat(q.leaderHeartbeatIntervalMs()).isEqualTo(150);
        assertThat(q.electionTimeoutMs()).isEqualTo(700);
        assertThat(q.idleStrategy()).isEqualTo("backoff");
        assertThat(q.idleParkMaxMs()).isEqualTo(5);
        assertThat(q.logTermBytes()).isEqualTo(262_144);
        assertThat(q.snapshotRecords()).isEqualTo(500);
        assertThat(q.snapshotIntervalMs()).isEqualTo(60_000);
        assertThat(q.controller().brokerSessionTimeoutMs()).isEqualTo(1_800);
    }

    @Test
    void shouldDefineInTheBrokerRegistryEveryKeyAVoterReads()
    {
        for (final String key : QuorumConfig.KEYS)
        {
            assertThat(BrokerConfig.definition().key(key)).as(key).isPresent();
        }
    }
}
