package io.osprey.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.protocol.message.CreateTopicsRequest;
import io.osprey.protocol.message.DescribeConfigsResponse;
import io.osprey.protocol.message.IncrementalAlterConfigsRequest;

/** How the admin API's values map to the wire and back, without a broker. */
class AdminMappingTest
{
    @Test
    void shouldGiveEachOpTypeItsWireId()
    {
        assertThat(AlterConfigOp.OpType.SET.id()).isEqualTo((byte)0);
        assertThat(AlterConfigOp.OpType.DELETE.id()).isEqualTo((byte)1);
        assertThat(AlterConfigOp.OpType.APPEND.id()).isEqualTo((byte)2);
        assertThat(AlterConfigOp.OpType.SUBTRACT.id()).isEqualTo((byte)3);
        for (final AlterConfigOp.OpType op : AlterConfigOp.OpType.values())
        {
            assertThat(AlterConfigOp.OpType.forId(op.id())).isEqualTo(op);
        }
        assertThatThrownBy(() -> AlterConfigOp.OpType.forId((byte)7)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("7");
    }

    @Test
    void shouldPutEveryOpOfAResourceOnTheWireInOrder()
    {
        final ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "orders");
        final IncrementalAlterConfigsRequest.AlterConfigsResource wire = AlterConfigsCall.resource(topic, List.of(
            new AlterConfigOp(new ConfigEntry("retention.ms", "1000"), AlterConfigOp.OpType.SET),
            new AlterConfigOp(new ConfigEntry("segment.bytes", null), AlterConfigOp.OpType.DELETE),
            new AlterConfigOp(new ConfigEntry("cleanup.policy", "compact"), AlterConfigOp.OpType.APPEND),
            new AlterConfigOp(new ConfigEntry("cleanup.policy", "delete"), AlterConfigOp.OpType.SUBTRACT)));

        assertThat(wire.resourceType()).isEqualTo((byte)2);
        assertThat(wire.resourceName()).isEqualTo("orders");
        assertThat(wire.configs()).containsExactly(
            new IncrementalAlterConfigsRequest.AlterableConfig("retention.ms", (byte)0, "1000"),
            new IncrementalAlterConfigsRequest.AlterableConfig("segment.bytes", (byte)1, null),
            new IncrementalAlterConfigsRequest.AlterableConfig("cleanup.policy", (byte)2, "compact"),
            new IncrementalAlterConfigsRequest.AlterableConfig("cleanup.policy", (byte)3, "delete"));
    }

    @Test
    void shouldMapResourceTypesBothWays()
    {
        assertThat(ConfigResource.Type.TOPIC.id()).isEqualTo((byte)2);
        assertThat(ConfigResource.Type.BROKER.id()).isEqualTo((byte)4);
        assertThat(ConfigResource.Type.forId((byte)4)).isEqualTo(ConfigResource.Type.BROKER);
        assertThat(ConfigResource.Type.forId((byte)99)).isEqualTo(ConfigResource.Type.UNKNOWN);
    }

    @Test
    void shouldSendBrokerResourcesToTheirBrokerAndTheRestAnywhere()
    {
        assertThat(ConfigCalls.target(new ConfigResource(ConfigResource.Type.BROKER, "3"))).isEqualTo(CallTarget.broker(3));
        assertThat(ConfigCalls.target(new ConfigResource(ConfigResource.Type.BROKER, ""))).isEqualTo(CallTarget.LEAST_LOADED);
        assertThat(ConfigCalls.target(new ConfigResource(ConfigResource.Type.TOPIC, "3"))).isEqualTo(CallTarget.LEAST_LOADED);
        assertThatThrownBy(() -> ConfigCalls.target(new ConfigResource(ConfigResource.Type.BROKER, "broker-a")))
            .isInstanceOfSatisfying(OspreyException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST))
            .hasMessageContaining("'broker-a'");
    }

    @Test
    void shouldDescribeEachConfigEntryFromTheWire()
    {
        final DescribeConfigsResponse.DescribeConfigsResult result = new DescribeConfigsResponse.DescribeConfigsResult((short)0, null,
            (byte)2, "orders", List.of(
                new DescribeConfigsResponse.DescribeConfigsResourceResult("retention.ms", "1000", false, (byte)1, false, List.of(), (byte)5,
                    "How long to keep"),
                new DescribeConfigsResponse.DescribeConfigsResourceResult("secret", null, true, (byte)-1, true, List.of(), (byte)0, "")));

        final Config config = DescribeConfigsCall.config(result);

        assertThat(config.get("retention.ms")).isEqualTo(new ConfigEntry("retention.ms", "1000",
            ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, false, false, ConfigEntry.ConfigType.LONG, "How long to keep"));
        assertThat(config.get("secret")).isEqualTo(new ConfigEntry("secret", null, ConfigEntry.ConfigSource.UNKNOWN, true, true,
            ConfigEntry.ConfigType.UNKNOWN, null));
        assertThat(config.entries()).extracting(ConfigEntry::name).containsExactly("retention.ms", "secret");
    }

    @Test
    void shouldAskForTheBrokersDefaultsWithMinusOne()
    {
        final NewTopic defaults = new NewTopic("a", Optional.empty(), Optional.empty()).configs(Map.of("retention.ms", "1000"));
        final NewTopic assigned = new NewTopic("b", Map.of(0, List.of(1, 2)));

        final CreateTopicsRequest request = CreateTopicsCall.request(List.of(defaults, new NewTopic("c", 3, (short)1), assigned), 500, true);

        assertThat(request.timeoutMs()).isEqualTo(500);
        assertThat(request.validateOnly()).isTrue();
        assertThat(request.topics()).containsExactly(
            new CreateTopicsRequest.CreatableTopic("a", -1, (short)-1, List.of(),
                List.of(new CreateTopicsRequest.CreatableTopicConfig("retention.ms", "1000"))),
            new CreateTopicsRequest.CreatableTopic("c", 3, (short)1, List.of(), List.of()),
            new CreateTopicsRequest.CreatableTopic("b", -1, (short)-1,
                List.of(new CreateTopicsRequest.CreatableReplicaAssignment(0, List.of(1, 2))), List.of()));
    }
}
