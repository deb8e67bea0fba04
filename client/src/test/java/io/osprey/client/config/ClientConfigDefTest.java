package io.osprey.client.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import io.osprey.common.ConfigException;
import io.osprey.common.ErrorCode;

class ClientConfigDefTest
{
    @Test
    void shouldFillKafkasDefaultsForTheCommonKeys()
    {
        final ClientConfig config = ClientConfigDef.common().parse(Map.of("bootstrap.servers", "a:9092, b:9093"));

        assertThat(config.getList("bootstrap.servers")).containsExactly("a:9092", "b:9093");
        assertThat(config.getString("client.id")).isEmpty();
        assertThat(config.getInt("request.timeout.ms")).isEqualTo(30000);
        assertThat(config.getLong("retry.backoff.ms")).isEqualTo(100);
        assertThat(config.getLong("retry.backoff.max.ms")).isEqualTo(1000);
        assertThat(config.getLong("reconnect.backoff.ms")).isEqualTo(50);
        assertThat(config.getLong("reconnect.backoff.max.ms")).isEqualTo(1000);
        assertThat(config.getLong("metadata.max.age.ms")).isEqualTo(300000);
        assertThat(config.getLong("connections.max.idle.ms")).isEqualTo(540000);
        assertThat(config.getInt("send.buffer.bytes")).isEqualTo(131072);
        assertThat(config.getInt("receive.buffer.bytes")).isEqualTo(65536);
        assertThat(config.getLong("socket.connection.setup.timeout.ms")).isEqualTo(10000);
        assertThat(config.getLong("socket.connection.setup.timeout.max.ms")).isEqualTo(30000);
        assertThat(config.getString("client.dns.lookup")).isEqualTo("use_all_dns_ips");
        assertThat(config.getString("security.protocol")).isEqualTo("PLAINTEXT");
        assertThat(config.getString("metadata.recovery.strategy")).isEqualTo("rebootstrap");
        assertThat(config.getLong("request.timeout.ms")).as("INT widens to long").isEqualTo(30000);
    }

    @Test
    void shouldParseTextAndTypedValues()
    {
        final Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", List.of("[::1]:9092", "host:1"));
        props.put("request.timeout.ms", " 1500 ");
        props.put("retry.backoff.ms", 7);
        props.put("client.id", "app");
        props.put("security.protocol", "plaintext");
        props.put("metric.reporters", null);

        final ClientConfig config = ClientConfigDef.common().parse(props);

        assertThat(config.getList("bootstrap.servers")).containsExactly("[::1]:9092", "host:1");
        assertThat(config.getInt("request.timeout.ms")).isEqualTo(1500);
        assertThat(config.getLong("retry.backoff.ms")).isEqualTo(7L);
        assertThat(config.isGiven("client.id")).isTrue();
        assertThat(config.isGiven("metric.reporters")).as("null counts as not given").isFalse();
    }

    @Test
    void shouldNameKeyValueAndWhatIsAllowedForAnInvalidValue()
    {
        assertThatThrownBy(() -> parse("request.timeout.ms", "soon"))
            .isInstanceOf(ConfigException.class)
            .hasMessage("Invalid value 'soon' for configuration 'request.timeout.ms': expected an integer >= 0")
            .satisfies(e ->
            {
                final ConfigException c = (ConfigException)e;
                assertThat(c.key()).isEqualTo("request.timeout.ms");
                assertThat(c.value()).isEqualTo("soon");
                assertThat(c.allowed()).isEqualTo("an integer >= 0");
                assertThat(c.errorCode()).isEqualTo(ErrorCode.INVALID_CONFIG);
            });
        assertThatThrownBy(() -> parse("reconnect.backoff.ms", -1)).hasMessageContaining("'-1'").hasMessageContaining("a long integer >= 0");
        assertThatThrownBy(() -> parse("request.timeout.ms", 3_000_000_000L)).hasMessageContaining("out of range");
        assertThatThrownBy(() -> parse("client.dns.lookup", "default"))
            .hasMessageContaining("'default'").hasMessageContaining("one of [use_all_dns_ips, resolve_canonical_bootstrap_servers_only]");
        assertThatThrownBy(() -> parse("metrics.num.samples", "two"))
            .as("ignored keys are still typed").hasMessageContaining("'metrics.num.samples'");
    }

    @Test
    void shouldRejectEverySecurityProtocolButPlaintextSayingWhy()
    {
        assertThatThrownBy(() -> parse("security.protocol", "SASL_SSL"))
            .isInstanceOf(ConfigException.class)
            .hasMessage("Invalid value 'SASL_SSL' for configuration 'security.protocol': expected PLAINTEXT "
                + "(Osprey clients speak PLAINTEXT only: TLS and SASL are not implemented)");
        assertThatThrownBy(() -> parse("security.protocol", "TLS")).hasMessage(
            "Invalid value 'TLS' for configuration 'security.protocol': expected PLAINTEXT");
    }

    @Test
    void shouldRejectBadBootstrapServersAndAMissingOne()
    {
        assertThatThrownBy(() -> ClientConfigDef.common("producer").parse(Map.of()))
            .hasMessage("Missing required configuration 'bootstrap.servers' which has no default value: "
                + "expected a non-empty comma-separated list of host:port");
        assertThatThrownBy(() -> ClientConfigDef.common().parse(Map.of("bootstrap.servers", "localhost")))
            .hasMessageContaining("'localhost' is not host:port");
        assertThatThrownBy(() -> ClientConfigDef.common().parse(Map.of("bootstrap.servers", "h:70000")))
            .hasMessageContaining("outside 1..65535");
        assertThatThrownBy(() -> ClientConfigDef.common().parse(Map.of("bootstrap.servers", "")))
            .hasMessageContaining("the list is empty");
    }

    @Test
    void shouldRejectAnUnknownKeySuggestingTheClosestOne()
    {
        assertThatThrownBy(() -> ClientConfigDef.common("consumer").parse(Map.of("bootstrap.servers", "h:1", "request.timeout", "5")))
            .isInstanceOf(ConfigException.class)
            .hasMessage("Unknown consumer configuration 'request.timeout' (value '5'): did you mean 'request.timeout.ms'?");
        assertThatThrownBy(() -> ClientConfigDef.common("consumer").parse(Map.of("bootstrap.servers", "h:1", "colour", "blue")))
            .hasMessageContaining("Unknown consumer configuration 'colour' (value 'blue')")
            .hasMessageNotContaining("did you mean");
    }

    @Test
    void shouldAcceptButReportKeysOspreyIgnores()
    {
        final Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", "h:1");
        props.put("metric.reporters", "com.example.Reporter");
        props.put("enable.metrics.push", "false");
        props.put("interceptor.classes", "");

        final ClientConfig config = ClientConfigDef.common().parse(props);

        assertThat(config.ignoredKeysGiven()).containsExactlyInAnyOrder("metric.reporters", "enable.metrics.push", "interceptor.classes");
        assertThat(ClientConfigDef.common().key("metric.reporters").orElseThrow().doc()).startsWith("Ignored by Osprey: ");
        assertThat(config.getBoolean("enable.metrics.push")).isFalse();
    }

    @Test
    void shouldLetEachClientAddKeysAndOverrideSharedDefaults()
    {
        final ClientConfigDef producer = ClientConfigDef.common("producer")
            .withDefault("receive.buffer.bytes", 32768)
            .define("max.in.flight.requests.per.connection", ConfigType.INT, 5, ConfigValidators.atLeast(1),
                "Unacknowledged requests per connection.")
            .define("acks", ConfigType.STRING, "all", ConfigValidators.oneOf("all", "-1", "0", "1"), "Acknowledgements.")
            .define("compression.gzip.level", ConfigType.INT, -1, "Gzip level.")
            .define("partitioner.adaptive.partitioning.enable", ConfigType.BOOLEAN, true, "Adaptive partitioning.")
            .define("linger.ms", ConfigType.LONG, 5L, ConfigValidators.atLeast(0), "Linger.")
            .define("key.serializer", ConfigType.CLASS, null, "Key serializer.")
            .define("batch.size.ratio", ConfigType.DOUBLE, 0.5, "A double.")
            .define("interceptor.classes", ConfigType.LIST, "", "Now implemented.");

        final Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", "h:1");
        props.put("acks", "1");
        props.put("key.serializer", "java.lang.String");
        props.put("batch.size.ratio", 0.25f);
        final ClientConfig config = producer.parse(props);

        assertThat(config.getInt("receive.buffer.bytes")).isEqualTo(32768);
        assertThat(config.getInt("max.in.flight.requests.per.connection")).isEqualTo(5);
        assertThat(config.getString("acks")).isEqualTo("1");
        assertThat(config.getClass("key.serializer")).isEqualTo(String.class);
        assertThat(config.getDouble("batch.size.ratio")).isEqualTo(0.25);
        assertThat(config.getBoolean("partitioner.adaptive.partitioning.enable")).isTrue();
        assertThat(producer.key("interceptor.classes").orElseThrow().ignored()).as("redefined as real").isFalse();
        assertThat(config.ignoredKeysGiven()).isEmpty();
        assertThatThrownBy(() -> producer.parse(Map.of("bootstrap.servers", "h:1", "acks", "ALL")))
            .hasMessageContaining("one of [all, -1, 0, 1]");
        assertThatThrownBy(() -> producer.parse(Map.of("bootstrap.servers", "h:1", "key.serializer", "com.example.Missing")))
            .hasMessageContaining("class not found");
        assertThatThrownBy(() -> producer.define("acks", ConfigType.STRING, "1", "again")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> producer.define("bad.default", ConfigType.INT, "x", "doc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> config.getInt("acks")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("STRING");
    }

    @Test
    void shouldParsePropertiesAsLoadedFromAFile()
    {
        final Properties props = new Properties();
        props.setProperty("bootstrap.servers", "h:1");
        props.setProperty("send.buffer.bytes", "-1");

        assertThat(ClientConfigDef.common().parse(props).getInt("send.buffer.bytes")).isEqualTo(-1);
    }

    private static ClientConfig parse(final String key, final Object value)
    {
        return ClientConfigDef.common().parse(Map.of("bootstrap.servers", "h:1", key, value));
    }
}
