package io.osprey.config;

/** Where a described value comes from, with the ids of Kafka's DescribeConfigs response. */
public enum ConfigSource
{
    UNKNOWN(0),
    DYNAMIC_TOPIC_CONFIG(1),
    DYNAMIC_BROKER_CONFIG(2),
    DYNAMIC_DEFAULT_BROKER_CONFIG(3),
    STATIC_BROKER_CONFIG(4),
    DEFAULT_CONFIG(5);

    private final int kafkaId;

    ConfigSource(final int kafkaId)
    {
        this.kafkaId = kafkaId;
    }

    /** The id of this source in DescribeConfigs responses. */
    public int kafkaId()
    {
        return kafkaId;
    }
}
