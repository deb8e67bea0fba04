package io.osprey.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.osprey.common.ConfigException;
import io.osprey.client.config.ClientConfigKey;
import io.osprey.record.Compression;
import io.osprey.serialization.Serdes;
import io.osprey.serialization.Serializer;

class ProducerConfigTest
{
    private static Map<String, Object> base()
    {
        final Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", "127.0.0.1:9092");
        props.put("key.serializer", Serdes.StringSerializer.class.getName());
        props.put("value.serializer", Serdes.StringSerializer.class.getName());
        return props;
    }

    private static ProducerSettings parse(final Object... keyValues)
    {
        final Map<String, Object> props = base();
        for (int i = 0; i < keyValues.length; i += 2)
        {
            props.put((String)keyValues[i], keyValues[i + 1]);
        }
        return ProducerConfig.parse(props);
    }

    @Test
    void shouldDefaultLikeKafka()
    {
        final ProducerSettings s = parse();
        assertThat(s.acks()).isEqualTo((short)-1);
        assertThat(s.idempotent()).isTrue();
        assertThat(s.retries()).isEqualTo(Integer.MAX_VALUE);
        assertThat(s.deliveryTimeoutMs()).isEqualTo(120_000);
        assertThat(s.requestTimeoutMs()).isEqualTo(30_000);
        assertThat(s.lingerMs()).isEqualTo(5);
        assertThat(s.batchSize()).isEqualTo(16_384);
        assertThat(s.bufferMemory()).isEqualTo(33_554_432L);
        assertThat(s.maxBlockMs()).isEqualTo(60_000);
        assertThat(s.maxRequestSize()).isEqualTo(1_048_576);
        assertThat(s.compression()).isEqualTo(Compression.NONE);
        assertThat(s.maxInFlight()).isEqualTo(5);
        assertThat(s.ignoreKeys()).isFalse();
        assertThat(s.retryBackoffMs()).isEqualTo(100);
        assertThat(s.retryBackoffMaxMs()).isEqualTo(1000);
    }

    @Test
    void shouldHaveTheSameDefaultsAsKafkasProducerConfigForEveryKeyBothDefine()
    {
        final Map<String, Object> kafka = org.apache.kafka.clients.producer.ProducerConfig.configDef().defaultValues();
        int compared = 0;
        for (final ClientConfigKey key : ProducerConfig.definition().keys())
        {
            // Ignored keys' defaults document Kafka's behaviour, not Osprey's (metric.reporters is empty here).
            if (!kafka.containsKey(key.name()) || key.defaultValue() == null || key.ignored() || key.name().equals("client.id"))
            {
                continue;
            }
            final Object theirs = kafka.get(key.name());
            final String expected = theirs instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf).toList())
                : String.valueOf(theirs);
            final String ours = key.defaultValue() instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf).toList())
                : String.valueOf(key.defaultValue());
            assertThat(ours).as("default of %s", key.name()).isEqualToIgnoringCase(expected);
            compared++;
        }
        assertThat(compared).isGreaterThan(20);
        // Every key but the ones Kafka 4 dropped is spelt as Kafka spells it.
        assertThat(ProducerConfig.definition().keys()).extracting(ClientConfigKey::name)
            
            .filteredOn(name -> !org.apache.kafka.clients.producer.ProducerConfig.configNames().contains(name)).containsOnly("auto.include.jmx.reporter");
    }

    @Test
    void shouldFailOnAnUnknownKeyNamingIt()
    {
        assertThatThrownBy(() -> parse("linger.msec", "5"))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("'linger.msec'")
            .hasMessageContaining("did you mean 'linger.ms'");
    }

    @Test
    void shouldRejectAnInvalidAcksValue()
    {
        assertThatThrownBy(() -> parse("acks", "2")).isInstanceOf(ConfigException.class).hasMessageContaining("'acks'")
            .hasMessageContaining("[all, -1, 0, 1]");
        assertThat(parse("acks", 1, "enable.idempotence", false).acks()).as("acks given as a number").isEqualTo((short)1);
        assertThat(parse("acks", "-1").acks()).isEqualTo((short)-1);
    }

    @Test
    void shouldRejectSnappyClearly()
    {
        assertThatThrownBy(() -> parse("compression.type", "snappy"))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("'compression.type'")
            .hasMessageContaining("snappy is not supported by Osprey");
        assertThat(parse("compression.type", "zstd").compression()).isEqualTo(Compression.ZSTD);
        assertThat(parse("compression.type", "LZ4").compression()).isEqualTo(Compression.LZ4);
    }

    @Test
    void shouldFailWhenIdempotenceIsExplicitlyEnabledWithConflictingSettings()
    {
        assertThatThrownBy(() -> parse("enable.idempotence", "true", "acks", "1"))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("Must set acks to all in order to use the idempotent producer");
        assertThatThrownBy(() -> parse("enable.idempotence", true, "max.in.flight.requests.per.connection", 6))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("max.in.flight.requests.per.connection to at most 5");
        assertThatThrownBy(() -> parse("enable.idempotence", "true", "retries", "0"))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("Must set retries to non-zero");
    }

    @Test
    void shouldQuietlyTurnOffDefaultIdempotenceForConflictingSettings()
    {
        assertThat(parse("acks", "1").idempotent()).isFalse();
        assertThat(parse("acks", "0").idempotent()).isFalse();
        assertThat(parse("max.in.flight.requests.per.connection", "10").idempotent()).isFalse();
        assertThat(parse("retries", "0").idempotent()).isFalse();
        assertThat(parse("enable.idempotence", "false").idempotent()).isFalse();
    }

    @Test
    void shouldRejectTransactionsAndCustomPartitioners()
    {
        assertThatThrownBy(() -> parse("transactional.id", "tx-1")).isInstanceOf(ConfigException.class)
            .hasMessageContaining("'transactional.id'").hasMessageContaining("transactions are not supported");
        assertThatThrownBy(() -> parse("partitioner.class", "org.apache.kafka.clients.producer.RoundRobinPartitioner"))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("custom partitioners are not supported");
    }

    @Test
    void shouldRequireDeliveryTimeoutToCoverLingerAndRequestTimeoutWhenGiven()
    {
        assertThatThrownBy(() -> parse("delivery.timeout.ms", "1000", "linger.ms", "100", "request.timeout.ms", "1000"))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms");
        assertThat(parse("linger.ms", "100000").deliveryTimeoutMs()).as("raised when not given").isEqualTo(130_000);
    }

    @Test
    void shouldAcceptKafkaKeysOsprey_ignoresOrAccepts()
    {
        final ProducerSettings s = parse("metadata.max.idle.ms", "60000", "partitioner.adaptive.partitioning.enable", "false",
            "compression.zstd.level", "5", "interceptor.classes", "", "metric.reporters", "");
        assertThat(s.config().ignoredKeysGiven()).contains("partitioner.adaptive.partitioning.enable", "compression.zstd.level");
    }

    @Test
    void shouldMapKafkasSerializerNamesToOspreysByteCompatibleOnes()
    {
        final ProducerSettings s = parse("key.serializer", "org.apache.kafka.common.serialization.StringSerializer",
            "value.serializer", "org.apache.kafka.common.serialization.LongSerializer");
        final Serializer<Object> key = SerializerFactory.create(null, s, ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, true);
        final Serializer<Object> value = SerializerFactory.create(null, s, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, false);
        assertThat(key).isInstanceOf(Serdes.StringSerializer.class);
        assertThat(value).isInstanceOf(Serdes.LongSerializer.class);
        assertThat(value.serialize("t", 258L)).isEqualTo(new org.apache.kafka.common.serialization.LongSerializer().serialize("t", 258L));
    }

    @Test
    void shouldRejectAKafkaSerializerWithoutAnOspreyEquivalentClearly()
    {
        final ProducerSettings s = parse("value.serializer", "org.apache.kafka.common.serialization.UUIDSerializer");
        assertThatThrownBy(() -> SerializerFactory.create(null, s, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, false))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("'value.serializer'")
            .hasMessageContaining("Osprey has no equivalent of this Kafka serializer");
    }

    @Test
    void shouldAcceptASerializerClassObjectAndRejectAClassThatIsNotOne()
    {
        final ProducerSettings s = parse("key.serializer", Serdes.ByteArraySerializer.class, "value.serializer", String.class);
        assertThat(SerializerFactory.<Object>create(null, s, ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, true))
            .isInstanceOf(Serdes.ByteArraySerializer.class);
        assertThatThrownBy(() -> SerializerFactory.create(null, s, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, false))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("java.lang.String does not implement io.osprey.serialization.Serializer");
    }

    @Test
    void shouldRequireASerializerUnlessOneIsGiven()
    {
        final Map<String, Object> props = base();
        props.remove("key.serializer");
        final ProducerSettings s = ProducerConfig.parse(props);
        assertThatThrownBy(() -> SerializerFactory.create(null, s, ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, true))
            .isInstanceOf(ConfigException.class).hasMessageContaining("'key.serializer'");
        final Serializer<String> given = new Serdes.StringSerializer();
        assertThat(SerializerFactory.create(given, s, ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, true)).isSameAs(given);
    }
}
