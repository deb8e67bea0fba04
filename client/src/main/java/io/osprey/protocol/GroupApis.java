package io.osprey.protocol;

/**
 * The classic consumer-group APIs whose codecs exist but which the broker does not serve yet,
 * so they are deliberately not in {@link ApiKey} (which is what ApiVersions advertises). Each
 * constant gives the API's wire id, the version range of Osprey's codecs and the first flexible
 * version, for the broker wiring to come.
 */
public final class GroupApis
{
    public static final ApiSpec OFFSET_COMMIT = new ApiSpec(8, 2, 9, 8);
    public static final ApiSpec OFFSET_FETCH = new ApiSpec(9, 1, 8, 6);
    public static final ApiSpec FIND_COORDINATOR = new ApiSpec(10, 0, 4, 3);
    public static final ApiSpec JOIN_GROUP = new ApiSpec(11, 0, 9, 6);
    public static final ApiSpec HEARTBEAT = new ApiSpec(12, 0, 4, 4);
    public static final ApiSpec LEAVE_GROUP = new ApiSpec(13, 0, 5, 4);
    public static final ApiSpec SYNC_GROUP = new ApiSpec(14, 0, 5, 4);
    public static final ApiSpec DESCRIBE_GROUPS = new ApiSpec(15, 0, 5, 5);
    public static final ApiSpec LIST_GROUPS = new ApiSpec(16, 0, 5, 3);
    public static final ApiSpec DELETE_GROUPS = new ApiSpec(42, 0, 2, 2);

    private GroupApis()
    {
    }

    /** One API's wire id, codec version range and first flexible version, as in {@link ApiKey}. */
    public static final class ApiSpec
    {
        public final short id;
        public final short oldest;
        public final short latest;
        public final short firstFlexible;

        public ApiSpec(final int id, final int oldest, final int latest, final int firstFlexible)
        {
            this.id = (short)id;
            this.oldest = (short)oldest;
            this.latest = (short)latest;
            this.firstFlexible = (short)firstFlexible;
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

        /** Response header v1 for flexible versions, v0 otherwise. */
        public short responseHeaderVersion(final short version)
        {
            return isFlexible(version) ? (short)1 : (short)0;
        }

        @Override
        public String toString()
        {
            return "ApiSpec[id=" + id + ", versions=" + oldest + "-" + latest + ", flexible from " + firstFlexible + "]";
        }
    }
}
