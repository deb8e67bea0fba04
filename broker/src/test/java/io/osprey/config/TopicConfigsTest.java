package io.osprey.config;

import io.osprey.common.ConfigException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.osprey.common.ErrorCode;
import io.osprey.log.LogConfig;
import org.junit.jupiter.api.Test;

class TopicConfigsTest
{
    private static TopicConfigs topics(final String... brokerKeyValues)
    {
        final Map<String, String> props = new HashMap<>();
        props.put("node.id", "1");
        for (int i = 0; i < brokerKeyValues.length; i += 2)
        {
            props.put(brokerKeyValues[i], brokerKeyValues[i + 1]);
        }
        return BrokerConfig.parse(props).topicConfigs();
    }

    @Test
    void shouldMapBrokerDefaultsToTheLogsDefaults()
    {
        assertThat(topics().logConfig(Map.of())).isEqualTo(LogConfig.defaults());
    }

    @Test
    void shouldMapEveryOverrideOntoLogConfig()
    {
        final Map<String, String> overrides = new HashMap<>();
        overrides.put("segment.bytes", "4096");
        overrides.put("segment.ms", "1000");
        overrides.put("segment.index.bytes", "1024");
        overrides.put("index.interval.bytes", "100");
        overrides.put("retention.ms", "-1");
        overrides.put("retention.bytes", "8192");
        overrides.put("flush.messages", "1");
        overrides.put("flush.ms", "50");
        overrides.put("max.message.bytes", "2048");
        overrides.put("message.timestamp.type", "LogAppendTime");
        overrides.put("cleanup.policy", "compact,delete");
        overrides.put("file.delete.delay.ms", "0");

        final LogConfig log = topics().logConfig(overrides);

        assertThat(log).isEqualTo(new LogConfig(4096, 1000, 1024, 100, -1, 8192, 1, 50, 2048, true, true, 0));
    }

    @Test
    void shouldInheritBrokerLevelSettings()
    {
        final TopicConfigs topics = topics("log.retention.minutes", "5", "log.segment.bytes", "1000000",
            "log.flush.interval.messages", "1", "log.roll.ms", "777", "min.insync.replicas", "2",
            "log.cleanup.policy", "compact");
        final TopicConfig topic = topics.resolve(Map.of("segment.bytes", "2000000"));
        final LogConfig log = topic.logConfig();

        assertThat(log.retentionMs()).isEqualTo(5 * 60_000L);
        assertThat(log.segmentBytes()).isEqualTo(2000000);
        assertThat(log.flushMessages()).isEqualTo(1);
        assertThat(log.segmentMs()).isEqualTo(777);
        assertThat(log.compacted()).isTrue();
        assertThat(topic.minInsyncReplicas()).isEqualTo(2);
        assertThat(topic.uncleanLeaderElectionEnable()).isFalse();
        assertThat(topic.cleanupPolicy()).containsExactly("compact");
    }

    @Test
    void shouldRejectAnInvalidTopicValueWithKeyValueAndAllowed()
    {
        assertThatThrownBy(() -> topics().resolve(Map.of("retention.ms", "-2")))
            .isInstanceOfSatisfying(ConfigException.class, e ->
            {
                assertThat(e).hasMessage("Invalid value '-2' for configuration 'retention.ms': expected a long integer >= -1");
                assertThat(e.key()).isEqualTo("retention.ms");
                assertThat(e.value()).isEqualTo("-2");
                assertThat(e.allowed()).isEqualTo("a long integer >= -1");
                assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_CONFIG);
            });
        assertThatThrownBy(() -> topics().resolve(Map.of("segment.bytes", "10")))
            .hasMessage("Invalid value '10' for configuration 'segment.bytes': expected an integer >= 14");
        assertThatThrownBy(() -> topics().resolve(Map.of("segment.index.bytes", "4")))
            .hasMessage("Invalid value '4' for configuration 'segment.index.bytes': expected an integer >= 24");
        assertThatThrownBy(() -> topics().resolve(Map.of("cleanup.policy", "")))
            .hasMessageContaining("(the list is empty)");
        assertThatThrownBy(() -> topics().resolve(Map.of("min.cleanable.dirty.ratio", "x")))
            .hasMessage("Invalid value 'x' for configuration 'min.cleanable.dirty.ratio': expected a number in [0.0, 1.0]");
    }

    @Test
    void shouldRejectUnknownTopicKeysAndNullValues()
    {
        assertThatThrownBy(() -> topics().resolve(Map.of("retention.msec", "1")))
            .hasMessage("Unknown topic configuration 'retention.msec' (value '1'): did you mean 'retention.ms'?");
        assertThatThrownBy(() -> topics().resolve(Map.of("log.retention.ms", "1")))
            .hasMessageContaining("Unknown topic configuration 'log.retention.ms'");
        final Map<String, String> withNull = new HashMap<>();
        withNull.put("retention.ms", null);
        assertThatThrownBy(() -> topics().resolve(withNull))
            .hasMessage("Null value not supported for topic configuration 'retention.ms': expected a long integer >= -1");
    }

    @Test
    void shouldNormaliseValidatedOverrides()
    {
        assertThat(topics().validate(Map.of("cleanup.policy", " compact , delete ", "retention.ms", " 100 ")))
            .containsExactly(Map.entry("cleanup.policy", "compact,delete"), Map.entry("retention.ms", "100"));
    }

    @Test
    void shouldDescribeEveryTopicKeyWithSourceTypeAndDocs()
    {
        final List<DescribedConfig> described = topics("log.retention.hours", "1")
            .describe(Map.of("segment.bytes", "4096"));

        assertThat(described).extracting(DescribedConfig::name).containsExactlyElementsOf(
            TopicConfigs.keys().stream().map(TopicKey::name).toList());
        assertThat(byName(described, "segment.bytes")).isEqualTo(new DescribedConfig("segment.bytes", "4096",
            ConfigSource.DYNAMIC_TOPIC_CONFIG, ConfigType.INT, false, false, "Size at which a segment rolls."));
        final DescribedConfig retention = byName(described, "retention.ms");
        assertThat(retention.value()).isEqualTo("3600000");
        assertThat(retention.source()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG);
        assertThat(retention.type().kafkaId()).isEqualTo(5);
        final DescribedConfig policy = byName(described, "cleanup.policy");
        assertThat(policy.value()).isEqualTo("delete");
        assertThat(policy.source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
        assertThat(policy.source().kafkaId()).isEqualTo(5);
        assertThat(policy.type().kafkaId()).isEqualTo(7);
        assertThat(byName(described, "min.cleanable.dirty.ratio").type().kafkaId()).isEqualTo(6);
        assertThat(byName(described, "unclean.leader.election.enable").type().kafkaId()).isEqualTo(1);
        assertThat(byName(described, "message.timestamp.type").type().kafkaId()).isEqualTo(2);
        assertThat(byName(described, "compression.type").documentation()).startsWith(Usage.IGNORED_PREFIX);
        assertThat(described).noneMatch(DescribedConfig::sensitive);
    }

    @Test
    void shouldDeriveEveryTopicDefaultFromABrokerKeyOfTheSameType()
    {
        final BrokerConfig broker = BrokerConfig.parse(Map.of("node.id", "1"));
        for (final TopicKey key : TopicConfigs.keys())
        {
            assertThat(key.brokerSynonyms()).as(key.name()).isNotEmpty();
            for (final String synonym : key.brokerSynonyms())
            {
                assertThat(BrokerConfig.definition().key(synonym)).as(key.name() + " -> " + synonym).isPresent();
            }
            final Object value = key.brokerDefault().apply(broker);
            final String text = key.type().format(value);
            // The broker's default must be a valid topic value, reparsing to the same thing.
            assertThat(key.key().parse(text)).as(key.name()).isEqualTo(value);
        }
    }

    @Test
    void shouldCoverEveryKeyThatLogConfigNeeds()
    {
        assertThat(TopicConfigs.keys()).extracting(TopicKey::name).contains(
            "segment.bytes", "segment.ms", "segment.index.bytes", "index.interval.bytes", "retention.ms",
            "retention.bytes", "flush.messages", "flush.ms", "max.message.bytes", "message.timestamp.type",
            "cleanup.policy", "min.insync.replicas", "unclean.leader.election.enable", "file.delete.delay.ms",
            "compression.type", "delete.retention.ms", "min.compaction.lag.ms", "max.compaction.lag.ms",
            "min.cleanable.dirty.ratio");
    }

    private static DescribedConfig byName(final List<DescribedConfig> described, final String name)
    {
        return described.stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow();
    }
}
