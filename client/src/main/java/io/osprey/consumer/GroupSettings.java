package io.osprey.consumer;

import java.util.List;
import java.util.Optional;

import io.osprey.client.config.ClientConfig;
import io.osprey.common.ConfigException;

/**
 * The group keys of a consumer's configuration, read once.
 *
 * @param groupId            {@code group.id}
 * @param groupInstanceId    {@code group.instance.id}, or null for a dynamic member
 * @param assignors          {@code partition.assignment.strategy}, in order of preference
 * @param rack               {@code client.rack}, if set
 */
record GroupSettings(String groupId, String groupInstanceId, int sessionTimeoutMs, int heartbeatIntervalMs, int maxPollIntervalMs,
    List<ConsumerPartitionAssignor> assignors, Optional<String> rack, boolean excludeInternalTopics, boolean autoCommit,
    int autoCommitIntervalMs)
{
    /** The settings, or null when {@code group.id} is not set. */
    static GroupSettings from(final ClientConfig config)
    {
        final String groupId = config.getString(ConsumerConfig.GROUP_ID_CONFIG);
        final List<ConsumerPartitionAssignor> assignors = Assignors.fromConfig(config.getList(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG));
        if (groupId == null)
        {
            // As Kafka: auto-commit asked for explicitly needs a group to commit to; left at its default it is off.
            if (config.isGiven(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG) && config.getBoolean(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG))
            {
                throw new ConfigException(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "true", "false without group.id",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG + " cannot be set to true when the consumer has no "
                        + ConsumerConfig.GROUP_ID_CONFIG + ": there is no group to commit offsets to");
            }
            return null;
        }
        final int session = config.getInt(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG);
        final int heartbeat = config.getInt(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG);
        if (heartbeat >= session)
        {
            throw ConfigException.invalidValue(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, String.valueOf(heartbeat),
                "a value lower than " + ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG + " (" + session + ")", null);
        }
        final String instance = config.getString(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        final String rack = config.getString(ConsumerConfig.CLIENT_RACK_CONFIG);
        return new GroupSettings(groupId, instance == null || instance.isEmpty() ? null : instance, session, heartbeat,
            config.getInt(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG), assignors,
            rack == null || rack.isEmpty() ? Optional.empty() : Optional.of(rack),
            config.getBoolean(ConsumerConfig.EXCLUDE_INTERNAL_TOPICS_CONFIG), config.getBoolean(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG),
            config.getInt(ConsumerConfig.AUTO_COMMIT_INTERVAL_MS_CONFIG));
    }
}
