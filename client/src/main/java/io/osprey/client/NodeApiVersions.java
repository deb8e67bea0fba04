package io.osprey.client;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

import io.osprey.protocol.ApiKey;
import io.osprey.protocol.message.ApiVersionsResponse;

/**
 * The version ranges one broker advertised in its ApiVersions response, and the choice of the
 * version to send: the highest that both the broker and Osprey's codec ({@link ApiKey#oldest}
 * .. {@link ApiKey#latest}) support, optionally capped by the caller. Immutable, thread-safe.
 */
public final class NodeApiVersions
{
    /** Returned by {@link #latestUsableVersion} when the two sides share no version. */
    public static final short NO_VERSION = -1;

    private final Map<Short, ApiVersionsResponse.ApiVersion> byKey;

    private NodeApiVersions(final Map<Short, ApiVersionsResponse.ApiVersion> byKey)
    {
        this.byKey = Collections.unmodifiableMap(byKey);
    }

    public static NodeApiVersions from(final ApiVersionsResponse response)
    {
        final Map<Short, ApiVersionsResponse.ApiVersion> byKey = new TreeMap<>();
        for (final ApiVersionsResponse.ApiVersion v : response.apiKeys())
        {
            byKey.put(v.apiKey(), v);
        }
        return new NodeApiVersions(byKey);
    }

    /** The broker's range for a wire API key, or {@code null} when it did not advertise the key. */
    public ApiVersionsResponse.ApiVersion range(final short apiKey)
    {
        return byKey.get(apiKey);
    }

    /**
     * The highest version in {@code [max(api.oldest, brokerMin), min(api.latest, brokerMax, maxVersion)]},
     * or {@link #NO_VERSION} when that range is empty or the broker does not serve the API.
     */
    public short latestUsableVersion(final ApiKey api, final short maxVersion)
    {
        final ApiVersionsResponse.ApiVersion broker = byKey.get(api.id);
        if (broker == null)
        {
            return NO_VERSION;
        }
        final int high = Math.min(Math.min(api.latest, broker.maxVersion()), maxVersion);
        final int low = Math.max(api.oldest, broker.minVersion());
        return high >= low ? (short)high : NO_VERSION;
    }

    /** Why {@link #latestUsableVersion} found nothing, for the UnsupportedVersionException message. */
    public String describeMismatch(final ApiKey api, final short maxVersion)
    {
        final ApiVersionsResponse.ApiVersion broker = byKey.get(api.id);
        final String client = "the Osprey client supports " + api.oldest + "-" + api.latest
            + (maxVersion < api.latest ? " (capped at " + maxVersion + " by the caller)" : "");
        if (broker == null)
        {
            return "The broker does not support " + api + " at all; " + client;
        }
        return "The broker supports " + api + " versions " + broker.minVersion() + "-" + broker.maxVersion() + " but " + client;
    }

    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder("(");
        for (final ApiVersionsResponse.ApiVersion v : byKey.values())
        {
            if (sb.length() > 1)
            {
                sb.append(", ");
            }
            final ApiKey api = ApiKey.forId(v.apiKey());
            sb.append(api == null ? "key " + v.apiKey() : api.name()).append(' ').append(v.minVersion()).append('-').append(v.maxVersion());
        }
        return sb.append(')').toString();
    }
}
