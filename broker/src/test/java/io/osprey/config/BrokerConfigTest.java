package io.osprey.config;

import io.osprey.common.ConfigException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.osprey.log.LogConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerConfigTest
{
    @TempDir
    Path tmp;

    private static BrokerConfig config(final String... keyValues)
    {
        final Map<String, String> props = new HashMap<>();
        props.put("node.id", "1");
        for (int i = 0; i < keyValues.length; i += 2)
        {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        return BrokerConfig.parse(props);
    }

    @Test
    void shouldHaveKafkasDefaults()
    {
        final BrokerConfig c = config();

        assertThat(c.nodeId()).isEqualTo(1);
        assertThat(c.processRoles()).containsExactlyInAnyOrder(ProcessRole.BROKER, ProcessRole.CONTROLLER);
        assertThat(c.isBroker()).isTrue();
        assertThat(c.isController()).isTrue();
        assertThat(c.clusterId()).isEmpty();
        assertThat(c.rack()).isEmpty();
        assertThat(c.listeners()).containsExactly(Listener.parse("PLAINTEXT://127.0.0.1:9092"));
        assertThat(c.advertisedListeners()).isEqualTo(c.listeners());
        assertThat(c.interBrokerListenerName()).isEqualTo("PLAINTEXT");
        assertThat(c.controllerQuorumVoters()).isEmpty();
        assertThat(c.adminHttpListener()).contains(new HostPort("127.0.0.1", 9080));
        assertThat(c.logDirs()).containsExactly(Path.of("/tmp/osprey-logs"));
        assertThat(c.numPartitions()).isEqualTo(1);
        assertThat(c.defaultReplicationFactor()).isEqualTo(1);
        assertThat(c.minInsyncReplicas()).isEqualTo(1);
        assertThat(c.autoCreateTopicsEnable()).isTrue();
        assertThat(c.deleteTopicEnable()).isTrue();
        assertThat(c.messageMaxBytes()).isEqualTo(1048588);
        assertThat(c.socketRequestMaxBytes()).isEqualTo(104857600);
        assertThat(c.numNetworkThreads()).isEqualTo(3);
        assertThat(c.numIoThreads()).isEqualTo(8);
        assertThat(c.queuedMaxRequests()).isEqualTo(500);
        assertThat(c.socketSendBufferBytes()).isEqualTo(102400);
        assertThat(c.socketReceiveBufferBytes()).isEqualTo(102400);
        assertThat(c.fetchMaxBytes()).isEqualTo(57671680);
        assertThat(c.compressionType()).isEqualTo("producer");
        assertThat(c.logSegmentBytes()).isEqualTo(1073741824);
        assertThat(c.logRollMs()).isEqualTo(168 * 3_600_000L);
        assertThat(c.logIndexSizeMaxBytes()).isEqualTo(10485760);
        assertThat(c.logIndexIntervalBytes()).isEqualTo(4096);
        assertThat(c.logRetentionMs()).isEqualTo(168 * 3_600_000L);
        assertThat(c.logRetentionBytes()).isEqualTo(-1);
        assertThat(c.logRetentionCheckIntervalMs()).isEqualTo(300000);
        assertThat(c.logCleanupPolicy()).containsExactly("delete");
        assertThat(c.logFlushIntervalMessages()).isEqualTo(Long.MAX_VALUE);
        assertThat(c.logFlushIntervalMs()).isEqualTo(Long.MAX_VALUE);
        assertThat(c.logSegmentDeleteDelayMs()).isEqualTo(60000);
        assertThat(c.logMessageTimestampType()).isEqualTo("CreateTime");
        assertThat(c.offsetsTopicNumPartitions()).isEqualTo(50);
        assertThat(c.offsetsTopicReplicationFactor()).isEqualTo((short) 1);
        assertThat(c.replicaLagTimeMaxMs()).isEqualTo(30000);
        assertThat(c.uncleanLeaderElectionEnable()).isFalse();
        assertThat(c.producerIdExpirationMs()).isEqualTo(86400000);
        assertThat(c.groupInitialRebalanceDelayMs()).isEqualTo(3000);
        assertThat(c.replicaFetchMaxBytes()).isEqualTo(1048576);
        assertThat(c.replicaFetchWaitMaxMs()).isEqualTo(500);
        assertThat(c.replicaFetchMinBytes()).isEqualTo(1);
        assertThat(c.offsetsRetentionMs()).isEqualTo(7L * 24 * 60 * 60 * 1000);
    }

    @Test
    void shouldGiveRetentionMsPrecedenceOverMinutesOverHours()
    {
        assertThat(config("log.retention.hours", "2").logRetentionMs()).isEqualTo(2 * 3_600_000L);
        assertThat(config("log.retention.hours", "2", "log.retention.minutes", "3").logRetentionMs()).isEqualTo(3 * 60_000L);
        assertThat(config("log.retention.hours", "2", "log.retention.minutes", "3", "log.retention.ms", "4")
            .logRetentionMs()).isEqualTo(4);
        assertThat(config("log.retention.minutes", "3", "log.retention.ms", "-1").logRetentionMs()).isEqualTo(-1);
        assertThat(config("log.retention.hours", "-1").logRetentionMs()).isEqualTo(-1);
        assertThat(config("log.retention.ms", "-1", "log.retention.hours", "5").logRetentionMs()).isEqualTo(-1);
    }

    @Test
    void shouldGiveRollMsPrecedenceOverHoursAndFallBackToTheSchedulerIntervalForFlushMs()
    {
        assertThat(config("log.roll.hours", "1").logRollMs()).isEqualTo(3_600_000L);
        assertThat(config("log.roll.hours", "1", "log.roll.ms", "500").logRollMs()).isEqualTo(500);
        assertThat(config("log.flush.scheduler.interval.ms", "2000").logFlushIntervalMs()).isEqualTo(2000);
        assertThat(config("log.flush.scheduler.interval.ms", "2000", "log.flush.interval.ms", "10").logFlushIntervalMs())
            .isEqualTo(10);
    }

    @Test
    void shouldPreferLogDirsOverLogDir()
    {
        assertThat(config("log.dir", "/data/one").logDirs()).containsExactly(Path.of("/data/one"));
        assertThat(config("log.dir", "/data/one", "log.dirs", "/data/a, /data/b").logDirs())
            .containsExactly(Path.of("/data/a"), Path.of("/data/b"));
        assertThatThrownBy(() -> config("log.dirs", "/a,/a"))
            .hasMessage("Invalid value '/a,/a' for configuration 'log.dirs': expected a non-empty comma-separated list"
                + " of distinct items ('/a' appears twice)");
    }

    @Test
    void shouldParseListeners()
    {
        final BrokerConfig c = config(
            "listeners", "controller://10.0.0.1:0, INTERNAL://[::1]:19092",
            "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT",
            "controller.listener.names", "CONTROLLER",
            "inter.broker.listener.name", "internal",
            "advertised.listeners", "INTERNAL://broker1.example.com:19092");

        assertThat(c.listeners()).containsExactly(
            new Listener("CONTROLLER", new HostPort("10.0.0.1", 0)),
            new Listener("INTERNAL", new HostPort("::1", 19092)));
        assertThat(c.listeners().get(1)).hasToString("INTERNAL://[::1]:19092");
        assertThat(c.advertisedListeners().get(0)).hasToString("INTERNAL://broker1.example.com:19092");
        assertThat(c.interBrokerListenerName()).isEqualTo("INTERNAL");
        assertThat(c.controllerListenerNames()).containsExactly("CONTROLLER");
    }

    /** One listener serves clients and brokers: a second would be accepted and never bound. */
    @Test
    void shouldRefuseASecondClientListener()
    {
        assertThatThrownBy(() -> config(
            "listeners", "PLAINTEXT://127.0.0.1:29092,PLAINTEXT_HOST://127.0.0.1:9092",
            "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,PLAINTEXT_HOST:PLAINTEXT"))
            .isInstanceOf(ConfigException.class)
            .hasMessage("Invalid value 'PLAINTEXT://127.0.0.1:29092,PLAINTEXT_HOST://127.0.0.1:9092' for configuration "
                + "'listeners': expected one listener besides those in controller.listener.names (Osprey serves clients and "
                + "other brokers on one listener; got [PLAINTEXT, PLAINTEXT_HOST])");
        assertThatThrownBy(() -> config("listeners", "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093",
            "controller.listener.names", "CONTROLLER", "advertised.listeners", "CONTROLLER://127.0.0.1:9093"))
            .hasMessageContaining("(listener PLAINTEXT serves clients and must be advertised)");
    }

    @Test
    void shouldAdvertiseListenersWithoutControllerListenersAndWithARealHostName()
    {
        final BrokerConfig c = config("listeners", "PLAINTEXT://:9092,CONTROLLER://127.0.0.1:9093",
            "controller.listener.names", "CONTROLLER");

        assertThat(c.advertisedListeners()).hasSize(1);
        assertThat(c.advertisedListeners().get(0).name()).isEqualTo("PLAINTEXT");
        assertThat(c.advertisedListeners().get(0).host()).isNotEmpty();
        assertThat(c.advertisedListeners().get(0).port()).isEqualTo(9092);
    }

    @Test
    void shouldRejectInvalidListeners()
    {
        assertThatThrownBy(() -> config("listeners", "PLAINTEXT://127.0.0.1:70000"))
            .hasMessage("Invalid value 'PLAINTEXT://127.0.0.1:70000' for configuration 'listeners': expected " + Listener.DESCRIPTION
                + " (port 70000 is outside 0..65535)");
        assertThatThrownBy(() -> config("listeners", "127.0.0.1:9092"))
            .hasMessageContaining("('127.0.0.1:9092' is not NAME://host:port)");
        assertThatThrownBy(() -> config("listeners", "PLAINTEXT://a:1,plaintext://b:2"))
            .hasMessageContaining("(listener name PLAINTEXT appears twice)");
        assertThatThrownBy(() -> config("listeners", "PLAINTEXT://a:9092,SSL://b:9092"))
            .hasMessageContaining("(port 9092 is used by two listeners)");
    }

    @Test
    void shouldRejectListenersThatAreNotPlaintext()
    {
        assertThatThrownBy(() -> config("listeners", "PLAINTEXT://a:9092,SSL://a:9093"))
            .hasMessage("Invalid value 'PLAINTEXT://a:9092,SSL://a:9093' for configuration 'listeners': expected listeners"
                + " whose names listener.security.protocol.map maps to PLAINTEXT (listener SSL uses SSL; Osprey serves only PLAINTEXT)");
        assertThatThrownBy(() -> config("listeners", "EXTERNAL://a:9092"))
            .hasMessageContaining("(listener name EXTERNAL is not in listener.security.protocol.map)");
    }

    @Test
    void shouldCheckAdvertisedListenersAgainstListeners()
    {
        assertThatThrownBy(() -> config("advertised.listeners", "OTHER://a:9092"))
            .hasMessageContaining("Invalid value 'OTHER://a:9092' for configuration 'advertised.listeners'")
            .hasMessageContaining("(listener OTHER is not in listeners)");
        assertThatThrownBy(() -> config("advertised.listeners", "PLAINTEXT://0.0.0.0:9092"))
            .hasMessageContaining("(PLAINTEXT://0.0.0.0:9092 is not an address clients can connect to)");
        assertThatThrownBy(() -> config("listeners", "PLAINTEXT://0.0.0.0:9092"))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("Configuration 'advertised.listeners' must be set");
        assertThat(config("listeners", "PLAINTEXT://0.0.0.0:9092", "advertised.listeners", "PLAINTEXT://h:9092")
            .advertisedListeners()).containsExactly(Listener.parse("PLAINTEXT://h:9092"));
    }

    @Test
    void shouldCheckTheQuorumVoters()
    {
        final BrokerConfig c = config("controller.quorum.voters", "1@h1:9093,2@h2:9093,3@[::1]:9093");

        assertThat(c.controllerQuorumVoters()).containsExactly(
            new QuorumVoter(1, new HostPort("h1", 9093)),
            new QuorumVoter(2, new HostPort("h2", 9093)),
            new QuorumVoter(3, new HostPort("::1", 9093)));
        assertThatThrownBy(() -> config("controller.quorum.voters", "2@h2:9093"))
            .hasMessage("Invalid value '2@h2:9093' for configuration 'controller.quorum.voters': expected "
                + QuorumVoter.DESCRIPTION + " including this controller's node.id 1");
        assertThatThrownBy(() -> config("controller.quorum.voters", "1@h1:9093,1@h2:9093"))
            .hasMessageContaining("(voter id 1 appears twice)");
        assertThatThrownBy(() -> config("process.roles", "broker"))
            .hasMessageContaining("'controller.quorum.voters' must be set on a node without the controller role");
        assertThat(config("process.roles", "broker", "controller.quorum.voters", "2@h2:9093").isController()).isFalse();
    }

    @Test
    void shouldCheckRulesAcrossKeys()
    {
        assertThatThrownBy(() -> config("broker.id", "2"))
            .hasMessage("Invalid value '2' for configuration 'broker.id': expected the same id as node.id (1)");
        assertThatThrownBy(() -> config("replica.fetch.wait.max.ms", "40000"))
            .hasMessage("Invalid value '40000' for configuration 'replica.fetch.wait.max.ms':"
                + " expected at most replica.lag.time.max.ms (30000)");
        assertThatThrownBy(() -> config("inter.broker.listener.name", "INTERNAL"))
            .hasMessage("Invalid value 'INTERNAL' for configuration 'inter.broker.listener.name':"
                + " expected the name of a non-controller listener in listeners [PLAINTEXT]");
        assertThatThrownBy(() -> config("controller.listener.names", "CONTROLLER"))
            .hasMessageContaining("(a controller needs a listener named CONTROLLER)");
        assertThatThrownBy(() -> config("osprey.admin.http.listener", "localhost"))
            .hasMessage("Invalid value 'localhost' for configuration 'osprey.admin.http.listener':"
                + " expected host:port, or empty to disable ('localhost' is not host:port)");
        assertThat(config("osprey.admin.http.listener", "").adminHttpListener()).isEmpty();
    }

    @Test
    void shouldDescribeEveryKeyWithItsSource()
    {
        final List<DescribedConfig> described = config("num.partitions", "4").describe();

        assertThat(described).hasSize(BrokerConfig.definition().keys().size());
        assertThat(described).filteredOn(d -> d.name().equals("num.partitions")).singleElement()
            .satisfies(d ->
            {
                assertThat(d.value()).isEqualTo("4");
                assertThat(d.source()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG);
                assertThat(d.source().kafkaId()).isEqualTo(4);
                assertThat(d.type().kafkaId()).isEqualTo(3);
                assertThat(d.readOnly()).isTrue();
            });
        assertThat(described).filteredOn(d -> d.name().equals("log.retention.ms")).singleElement()
            .satisfies(d ->
            {
                assertThat(d.value()).isNull();
                assertThat(d.source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
                assertThat(d.type()).isEqualTo(ConfigType.LONG);
            });
    }

    @Test
    void shouldLoadTheShippedServerProperties() throws Exception
    {
        final BrokerConfig c = BrokerConfig.load(ConfigDocsTest.repoFile("conf/server.properties"));

        assertThat(c.nodeId()).isEqualTo(1);
        assertThat(c.listeners()).containsExactly(Listener.parse("PLAINTEXT://127.0.0.1:9092"));
        assertThat(c.logDirs()).containsExactly(Path.of("/tmp/osprey-logs"));
        assertThat(c.defaultLogConfig()).isEqualTo(LogConfig.defaults());
    }

    @Test
    void shouldApplyOverridesOnTopOfTheFile() throws Exception
    {
        final Path file = tmp.resolve("server.properties");
        Files.writeString(file, "node.id=1\nnum.partitions=3\n");

        final BrokerConfig c = BrokerConfig.load(file, Map.of("num.partitions", "5", "node.id", "2"));

        assertThat(c.numPartitions()).isEqualTo(5);
        assertThat(c.nodeId()).isEqualTo(2);
    }
}
