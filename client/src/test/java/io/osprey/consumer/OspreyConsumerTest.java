package io.osprey.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.osprey.common.ConfigException;
import io.osprey.client.config.ClientConfig;
import io.osprey.common.TopicPartition;
import io.osprey.serialization.Serdes;

/**
 * Configuration and the API's local contract, against a bootstrap address nobody listens on: none
 * of this needs a broker.
 */
class OspreyConsumerTest
{
    private static final TopicPartition TP = new TopicPartition("t", 0);

    private static Map<String, Object> props(final Object... keyValues)
    {
        final Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", "127.0.0.1:1");
        props.put("key.deserializer", Serdes.StringDeserializer.class);
        props.put("value.deserializer", Serdes.StringDeserializer.class.getName());
        props.put("reconnect.backoff.ms", 1000);
        for (int i = 0; i < keyValues.length; i += 2)
        {
            props.put((String)keyValues[i], keyValues[i + 1]);
        }
        return props;
    }

    @Test
    void shouldUseKafkasDefaults()
    {
        final ClientConfig config = ConsumerConfig.definition().parse(Map.of("bootstrap.servers", "h:1"));

        assertThat(config.getString("auto.offset.reset")).isEqualTo("latest");
        assertThat(config.getInt("max.poll.records")).isEqualTo(500);
        assertThat(config.getInt("fetch.min.bytes")).isEqualTo(1);
        assertThat(config.getInt("fetch.max.bytes")).isEqualTo(52428800);
        assertThat(config.getInt("fetch.max.wait.ms")).isEqualTo(500);
        assertThat(config.getInt("max.partition.fetch.bytes")).isEqualTo(1048576);
        assertThat(config.getBoolean("check.crcs")).isTrue();
        assertThat(config.getString("isolation.level")).isEqualTo("read_uncommitted");
        assertThat(config.getInt("default.api.timeout.ms")).isEqualTo(60000);
        assertThat(config.getInt("receive.buffer.bytes")).isEqualTo(65536);
        assertThat(config.getBoolean("allow.auto.create.topics")).isTrue();
    }

    @Test
    void shouldFailConstructionNamingAnUnknownKey()
    {
        assertThatThrownBy(() -> new OspreyConsumer<String, String>(props("max.poll.record", "10")))
            .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("max.poll.record"))
            .hasMessageContaining("did you mean 'max.poll.records'");
    }

    @Test
    void shouldFailConstructionNamingAnInvalidValue()
    {
        for (final Object[] bad : List.of(new Object[] {"auto.offset.reset", "smallest"}, new Object[] {"max.poll.records", 0},
            new Object[] {"isolation.level", "serializable"}, new Object[] {"check.crcs", "yes"},
            new Object[] {"fetch.max.wait.ms", "-1"}))
        {
            assertThatThrownBy(() -> new OspreyConsumer<String, String>(props(bad)))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo(bad[0]))
                .hasMessageContaining((String)bad[0]);
        }
    }

    /** As Kafka's: auto-commit asked for explicitly needs a group; at its default it is simply off without one. */
    @Test
    void shouldRefuseAutoCommitSetExplicitlyWithoutAGroup()
    {
        assertThatThrownBy(() -> new OspreyConsumer<String, String>(props("enable.auto.commit", "true")))
            .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("enable.auto.commit"))
            .hasMessageContaining("group.id");
        new OspreyConsumer<String, String>(props("enable.auto.commit", "false")).close();
        new OspreyConsumer<String, String>(props()).close();
        new OspreyConsumer<String, String>(props("enable.auto.commit", "true", "group.id", "g")).close();
    }

    @Test
    void shouldRequireDeserializersUnlessInstancesAreGiven()
    {
        final Map<String, Object> props = props();
        props.remove("key.deserializer");
        assertThatThrownBy(() -> new OspreyConsumer<String, String>(props))
            .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("key.deserializer"));

        props.remove("value.deserializer");
        try (OspreyConsumer<String, String> consumer = new OspreyConsumer<>(props, new Serdes.StringDeserializer(),
            new Serdes.StringDeserializer()))
        {
            assertThat(consumer.assignment()).isEmpty();
        }
    }

    @Test
    void shouldRefuseADeserializerClassThatIsNotOsprey()
    {
        assertThatThrownBy(() -> new OspreyConsumer<String, String>(props("value.deserializer",
            "org.apache.kafka.common.serialization.StringDeserializer")))
            .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("value.deserializer"))
            .hasMessageContaining("io.osprey.serialization.Serdes");
    }

    @Test
    void shouldAcceptGroupKeysAndPropertiesWithClassNames()
    {
        final Properties props = new Properties();
        props.put("bootstrap.servers", "127.0.0.1:1");
        props.put("key.deserializer", Serdes.StringDeserializer.class.getName());
        props.put("value.deserializer", Serdes.ByteArrayDeserializer.class.getName());
        props.put("group.id", "g");
        props.put("enable.auto.commit", "false");
        props.put("auto.commit.interval.ms", "1000");
        props.put("session.timeout.ms", "10000");
        props.put("heartbeat.interval.ms", "1000");
        props.put("max.poll.interval.ms", "60000");
        props.put("partition.assignment.strategy", "org.apache.kafka.clients.consumer.RangeAssignor");
        props.put("group.instance.id", "i-1");
        props.put("client.rack", "r1");
        props.put("isolation.level", "read_committed");
        try (OspreyConsumer<String, byte[]> consumer = new OspreyConsumer<>(props))
        {
            assertThat(consumer.clientId()).startsWith("consumer-g-");
            consumer.assign(List.of(TP));
            assertThat(consumer.assignment()).containsExactly(TP);
        }
    }

    @Test
    void shouldExplainThatSubscribeNeedsAGroupId()
    {
        try (OspreyConsumer<String, String> consumer = new OspreyConsumer<>(props()))
        {
            assertThatThrownBy(() -> consumer.subscribe(List.of("t")))
                .isInstanceOf(io.osprey.common.OspreyException.class)
                .hasMessageContaining("group.id");
        }
    }

    @Test
    void shouldRefuseToPollWithoutAssignmentAndToSeekUnassignedPartitions()
    {
        try (OspreyConsumer<String, String> consumer = new OspreyConsumer<>(props()))
        {
            assertThatThrownBy(() -> consumer.poll(Duration.ZERO)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not subscribed to any topics or assigned any partitions");
            assertThatThrownBy(() -> consumer.seek(TP, 0)).isInstanceOf(IllegalStateException.class).hasMessageContaining("t-0");
            consumer.assign(List.of(TP));
            assertThatThrownBy(() -> consumer.seek(TP, -1)).isInstanceOf(IllegalArgumentException.class);
            consumer.seek(TP, 42);
            assertThat(consumer.position(TP)).isEqualTo(42);
            consumer.pause(List.of(TP));
            assertThat(consumer.paused()).containsExactly(TP);
            consumer.resume(List.of(TP));
            assertThat(consumer.paused()).isEmpty();
            consumer.unsubscribe();
            assertThat(consumer.assignment()).isEmpty();
        }
    }

    @Test
    void shouldThrowNoOffsetForPartitionNamingItWhenAutoOffsetResetIsNone()
    {
        try (OspreyConsumer<String, String> consumer = new OspreyConsumer<>(props("auto.offset.reset", "none")))
        {
            consumer.assign(List.of(TP));
            assertThatThrownBy(() -> consumer.poll(Duration.ofMillis(10)))
                .isInstanceOfSatisfying(NoOffsetForPartitionException.class, e -> assertThat(e.partitions()).containsExactly(TP))
                .hasMessageContaining("t-0");
            assertThatThrownBy(() -> consumer.position(TP)).isInstanceOf(NoOffsetForPartitionException.class);
            consumer.seek(TP, 3);
            assertThat(consumer.poll(Duration.ZERO).isEmpty()).isTrue();
        }
    }

    @Test
    void shouldThrowWakeupOnTheNextBlockingCallWhenNoneIsBlocking()
    {
        try (OspreyConsumer<String, String> consumer = new OspreyConsumer<>(props()))
        {
            consumer.assign(List.of(TP));
            consumer.seek(TP, 0);
            consumer.wakeup();
            assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(5))).isInstanceOf(WakeupException.class);
            assertThat(consumer.poll(Duration.ZERO).isEmpty()).as("the wakeup is used up").isTrue();
        }
    }

    @Test
    void shouldTimeOutBlockingLookupsWithTheReason()
    {
        try (OspreyConsumer<String, String> consumer = new OspreyConsumer<>(props()))
        {
            consumer.assign(List.of(TP));
            assertThatThrownBy(() -> consumer.position(TP, Duration.ofMillis(200)))
                .hasMessageContaining("t-0").hasMessageContaining("200 ms");
            assertThatThrownBy(() -> consumer.endOffsets(List.of(TP), Duration.ofMillis(200)))
                .hasMessageContaining("end offsets").hasMessageContaining("t-0");
            assertThatThrownBy(() -> consumer.partitionsFor("t", Duration.ofMillis(200))).hasMessageContaining("'t'");
            assertThatThrownBy(() -> consumer.offsetsForTimes(Map.of(TP, -5L))).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void shouldRefuseASecondThreadWhileOneIsInside() throws Exception
    {
        try (OspreyConsumer<String, String> consumer = new OspreyConsumer<>(props()))
        {
            consumer.assign(List.of(TP));
            consumer.seek(TP, 0);
            final AtomicReference<Thread> poller = new AtomicReference<>();
            final CompletableFuture<Throwable> polled = CompletableFuture.supplyAsync(() ->
            {
                poller.set(Thread.currentThread());
                try
                {
                    consumer.poll(Duration.ofSeconds(30));
                    return null;
                }
                catch (final RuntimeException e)
                {
                    return e;
                }
            });
            Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> poller.get() != null && poller.get().getState() == Thread.State.TIMED_WAITING);

            assertThatThrownBy(consumer::assignment).isInstanceOf(ConcurrentModificationException.class);
            consumer.wakeup();
            assertThat(polled.get(10, TimeUnit.SECONDS)).isInstanceOf(WakeupException.class);
            assertThat(consumer.assignment()).containsExactly(TP);
        }
    }

    @Test
    void shouldStopTheNetworkThreadOnCloseAndRefuseCallsAfterwards() throws Exception
    {
        final OspreyConsumer<String, String> consumer = new OspreyConsumer<>(props());
        consumer.close();
        consumer.close();
        assertThat(consumer.awaitNetworkThreadStopped(5000)).isTrue();
        assertThatThrownBy(() -> consumer.assign(List.of(TP))).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("closed");
    }
}
