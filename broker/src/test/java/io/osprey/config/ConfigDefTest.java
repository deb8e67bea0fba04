package io.osprey.config;

import io.osprey.common.ConfigException;
import io.osprey.common.EditDistance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.osprey.common.ErrorCode;
import org.junit.jupiter.api.Test;

class ConfigDefTest
{
    private static ConfigException parseError(final Map<String, String> props)
    {
        try
        {
            BrokerConfig.parse(props);
        }
        catch (final ConfigException e)
        {
            return e;
        }
        throw new AssertionError("expected a ConfigException for " + props);
    }

    private static Map<String, String> withNode(final String key, final String value)
    {
        return Map.of("node.id", "1", key, value);
    }

    @Test
    void shouldNameKeyValueAndAllowedRangeForAnInvalidInteger()
    {
        final ConfigException e = parseError(withNode("num.partitions", "abc"));

        assertThat(e).hasMessage("Invalid value 'abc' for configuration 'num.partitions': expected an integer >= 1");
        assertThat(e.key()).isEqualTo("num.partitions");
        assertThat(e.value()).isEqualTo("abc");
        assertThat(e.allowed()).isEqualTo("an integer >= 1");
        assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_CONFIG);
    }

    @Test
    void shouldRejectValuesBelowTheMinimum()
    {
        assertThat(parseError(withNode("num.partitions", "0")))
            .hasMessage("Invalid value '0' for configuration 'num.partitions': expected an integer >= 1");
        assertThat(parseError(withNode("log.segment.bytes", "13")))
            .hasMessage("Invalid value '13' for configuration 'log.segment.bytes': expected an integer >= 14");
    }

    @Test
    void shouldSayWhenAnIntegerOverflows()
    {
        assertThat(parseError(withNode("num.io.threads", "3000000000")))
            .hasMessage("Invalid value '3000000000' for configuration 'num.io.threads': expected an integer >= 1"
                + " (out of range -2147483648..2147483647)");
    }

    @Test
    void shouldRejectAnInvalidBoolean()
    {
        assertThat(parseError(withNode("auto.create.topics.enable", "yes")))
            .hasMessage("Invalid value 'yes' for configuration 'auto.create.topics.enable': expected true or false");
    }

    @Test
    void shouldListTheAllowedStrings()
    {
        assertThat(parseError(withNode("log.message.timestamp.type", "AppendTime")))
            .hasMessage("Invalid value 'AppendTime' for configuration 'log.message.timestamp.type':"
                + " expected one of [CreateTime, LogAppendTime]");
    }

    @Test
    void shouldExplainAnInvalidListItem()
    {
        assertThat(parseError(withNode("log.cleanup.policy", "delete,archive")))
            .hasMessage("Invalid value 'delete,archive' for configuration 'log.cleanup.policy': expected a non-empty"
                + " comma-separated list of distinct items from [delete, compact] ('archive' is not allowed)");
        assertThat(parseError(withNode("process.roles", "")))
            .hasMessageContaining("Invalid value '' for configuration 'process.roles'")
            .hasMessageContaining("(the list is empty)");
    }

    @Test
    void shouldRejectADoubleOutOfRange()
    {
        assertThat(parseError(withNode("log.cleaner.min.cleanable.ratio", "1.5")))
            .hasMessage("Invalid value '1.5' for configuration 'log.cleaner.min.cleanable.ratio': expected a number in [0.0, 1.0]");
    }

    @Test
    void shouldRejectAnUnknownKeyAndSuggestTheClosestKnownOne()
    {
        final ConfigException e = parseError(withNode("num.partition", "3"));

        assertThat(e).hasMessage("Unknown broker configuration 'num.partition' (value '3'): did you mean 'num.partitions'?");
        assertThat(e.key()).isEqualTo("num.partition");
        assertThat(e.value()).isEqualTo("3");
        assertThat(parseError(withNode("log.retention.hour", "1")))
            .hasMessageContaining("did you mean 'log.retention.hours'?");
    }

    @Test
    void shouldRejectAnUnknownKeyWithNothingCloseByPointingAtTheDocs()
    {
        assertThat(parseError(withNode("zookeeper.connect", "localhost:2181")))
            .hasMessage("Unknown broker configuration 'zookeeper.connect' (value 'localhost:2181'):"
                + " docs/configuration.md lists every key Osprey accepts");
    }

    @Test
    void shouldRequireNodeId()
    {
        assertThat(parseError(Map.of()))
            .hasMessage("Missing required configuration 'node.id' which has no default value: expected an integer >= 0");
    }

    @Test
    void shouldTrimValuesAndAcceptAnyCaseForBooleans()
    {
        final BrokerConfig config = BrokerConfig.parse(Map.of("node.id", " 7 ", "delete.topic.enable", "FALSE",
            "log.cleanup.policy", "delete , compact"));

        assertThat(config.nodeId()).isEqualTo(7);
        assertThat(config.deleteTopicEnable()).isFalse();
        assertThat(config.logCleanupPolicy()).containsExactly("delete", "compact");
    }

    @Test
    void shouldAcceptPropertiesAndNonStringValues()
    {
        final Properties props = new Properties();
        props.put("node.id", 3);
        props.put("log.dirs", List.of("/a", "/b"));
        final BrokerConfig config = BrokerConfig.parse(props);

        assertThat(config.nodeId()).isEqualTo(3);
        assertThat(config.values().getList("log.dirs")).containsExactly("/a", "/b");
    }

    @Test
    void shouldRefuseToDefineAKeyTwice()
    {
        final ConfigDef def = new ConfigDef("test").define("a", ConfigType.INT, "1", Validator.ANY, Usage.USED, "doc");

        assertThatThrownBy(() -> def.define("a", ConfigType.INT, "2", Validator.ANY, Usage.USED, "doc"))
            .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldRejectAnInvalidDefaultWhenTheKeyIsDefined()
    {
        assertThatThrownBy(() -> ConfigKey.of("a", ConfigType.INT, "0", Validators.atLeast(1), Usage.USED, "doc"))
            .isInstanceOf(ConfigException.class)
            .hasMessage("Invalid value '0' for configuration 'a': expected an integer >= 1");
    }

    @Test
    void shouldMarkIgnoredKeysInTheirDocumentation()
    {
        for (final ConfigKey key : BrokerConfig.definition().keys())
        {
            assertThat(key.doc().startsWith(Usage.IGNORED_PREFIX))
                .as(key.name())
                .isEqualTo(key.usage() == Usage.IGNORED);
            assertThat(key.doc()).as(key.name()).isNotBlank().doesNotContain("\n");
        }
    }

    @Test
    void shouldMeasureEditDistance()
    {
        assertThat(EditDistance.between("kitten", "sitting")).isEqualTo(3);
        assertThat(EditDistance.between("", "abc")).isEqualTo(3);
        assertThat(EditDistance.between("same", "same")).isZero();
        assertThat(EditDistance.closest("lsteners", List.of("listeners", "log.dirs"))).isEqualTo("listeners");
        assertThat(EditDistance.closest("xyz", List.of("listeners"))).isNull();
    }
}
