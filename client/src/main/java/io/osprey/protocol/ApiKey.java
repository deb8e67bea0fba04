package io.osprey.protocol;

/**
 * The Kafka APIs Osprey serves, with the version range it serves and advertises in
 * ApiVersions, and the first flexible (tagged-field) version of each. The ranges are listed
 * in {@code docs/protocol.md}; change both together.
 */
public enum ApiKey
{
    PRODUCE(0, 0, 12, 9),
    FETCH(1, 4, 12, 12),
    LIST_OFFSETS(2, 1, 7, 6),
    METADATA(3, 0, 12, 9),
    OFFSET_COMMIT(8, 2, 9, 8),
    OFFSET_FETCH(9, 1, 8, 6),
    FIND_COORDINATOR(10, 0, 4, 3),
    JOIN_GROUP(11, 0, 9, 6),
    HEARTBEAT(12, 0, 4, 4),
    LEAVE_GROUP(13, 0, 5, 4),
    SYNC_GROUP(14, 0, 5, 4),
    DESCRIBE_GROUPS(15, 0, 5, 5),
    LIST_GROUPS(16, 0, 5, 3),
    API_VERSIONS(18, 0, 4, 3),
    CREATE_TOPICS(19, 2, 7, 5),
    DELETE_TOPICS(20, 1, 6, 4),
    DELETE_RECORDS(21, 0, 2, 2),
    INIT_PRODUCER_ID(22, 0, 4, 2),
    DESCRIBE_CONFIGS(32, 1, 4, 4),
    DESCRIBE_LOG_DIRS(35, 1, 4, 2),
    CREATE_PARTITIONS(37, 0, 3, 2),
    DELETE_GROUPS(42, 0, 2, 2),
    ELECT_LEADERS(43, 0, 2, 2),
    INCREMENTAL_ALTER_CONFIGS(44, 0, 1, 1),
    ALTER_PARTITION_REASSIGNMENTS(45, 0, 1, 0),
    LIST_PARTITION_REASSIGNMENTS(46, 0, 0, 0),
    /** Not flexible in any version: the first flexible version is past the last one. */
    OFFSET_DELETE(47, 0, 0, 1),
    DESCRIBE_CLUSTER(60, 0, 1, 0);

    private static final ApiKey[] BY_ID = new ApiKey[128];

    static
    {
        for (final ApiKey k : values())
        {
            BY_ID[k.id] = k;
        }
    }

    public final short id;
    public final short oldest;
    public final short latest;
    public final short firstFlexible;

    ApiKey(final int id, final int oldest, final int latest, final int firstFlexible)
    {
        this.id = (short)id;
        this.oldest = (short)oldest;
        this.latest = (short)latest;
        this.firstFlexible = (short)firstFlexible;
    }

    /** The API for a wire id, or null when Osprey does not serve it. */
    public static ApiKey forId(final int id)
    {
        return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
    }

    public boolean isSupported(final short version)
    {
        return version >= oldest && version <= latest;
    }

    public boolean isFlexible(final short version)
    {
        return version >= firstFlexible;
    }

    /** Request header v2 (tagged fields) for flexible versions, v1 otherwise. */
    public short requestHeaderVersion(final short version)
    {
        return isFlexible(version) ? (short)2 : (short)1;
    }

    /** Response header v1 for flexible versions, v0 otherwise; ApiVersions always answers with v0. */
    public short responseHeaderVersion(final short version)
    {
        if (this == API_VERSIONS)
        {
            return 0;
        }
        return isFlexible(version) ? (short)1 : (short)0;
    }
}
