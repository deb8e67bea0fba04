package io.osprey.consumer;

/**
 * What a record's timestamp means, from bit 3 of its batch's attributes: the producer's create
 * time, or the time the leader appended it (a topic with {@code message.timestamp.type=LogAppendTime}).
 */
public enum TimestampType
{
    /** Magic 0 records, which Osprey does not serve; kept for parity with Kafka's enum. */
    NO_TIMESTAMP_TYPE("NoTimestampType"),
    CREATE_TIME("CreateTime"),
    LOG_APPEND_TIME("LogAppendTime");

    /** Kafka's display name, as in a record's {@code toString}. */
    public final String displayName;

    TimestampType(final String displayName)
    {
        this.displayName = displayName;
    }

    @Override
    public String toString()
    {
        return displayName;
    }
}
