package io.osprey.admin;

import java.util.Map;
import java.util.Properties;

import io.osprey.common.ConfigException;
import io.osprey.client.config.ClientConfig;
import io.osprey.client.config.ClientConfigDef;
import io.osprey.client.config.CommonClientConfigs;
import io.osprey.client.config.ConfigType;
import io.osprey.client.config.ConfigValidators;

/**
 * The admin client's configuration keys: those every client shares plus the admin's own, with
 * the defaults of Kafka's {@code AdminClientConfig}. Parsing is strict: an unknown key or an
 * invalid value fails naming the key. Stateless.
 */
public final class AdminConfig
{
    /** How long a call may take, retries included, unless its options give a timeout. */
    public static final String DEFAULT_API_TIMEOUT_MS_CONFIG = "default.api.timeout.ms";
    /** How many times a call is retried after a retriable failure, within its timeout. */
    public static final String RETRIES_CONFIG = "retries";

    /** Kafka's admin default: calls are bounded by their timeout, not by a count. */
    static final int RETRIES_DEFAULT = Integer.MAX_VALUE;
    static final int DEFAULT_API_TIMEOUT_MS_DEFAULT = 60000;
    /** Kafka's admin closes idle connections sooner than the other clients (5 min, not 9). */
    static final long CONNECTIONS_MAX_IDLE_MS_DEFAULT = 300000L;

    private AdminConfig()
    {
    }

    /** The admin client's keys: a new definition each time, so callers may extend theirs. */
    public static ClientConfigDef definition()
    {
        return ClientConfigDef.common("admin")
            .withDefault(CommonClientConfigs.CONNECTIONS_MAX_IDLE_MS_CONFIG, CONNECTIONS_MAX_IDLE_MS_DEFAULT)
            .define(DEFAULT_API_TIMEOUT_MS_CONFIG, ConfigType.INT, DEFAULT_API_TIMEOUT_MS_DEFAULT, ConfigValidators.atLeast(0),
                "How long an admin call may take, retries included, unless its options give a timeout. Must not be smaller "
                    + "than request.timeout.ms.")
            .define(RETRIES_CONFIG, ConfigType.INT, RETRIES_DEFAULT, ConfigValidators.atLeast(0),
                "How many times a call is retried after a retriable failure (a lost connection, a timeout, NOT_CONTROLLER); "
                    + "default.api.timeout.ms bounds the retries as well.");
    }

    /**
     * Parses and cross-checks the settings.
     *
     * @throws ConfigException for an unknown key, an invalid value, or a
     *                               {@code default.api.timeout.ms} given smaller than {@code request.timeout.ms}
     */
    public static ClientConfig parse(final Map<String, ?> config)
    {
        return checked(definition().parse(config));
    }

    /** As {@link #parse(Map)}, from properties. */
    public static ClientConfig parse(final Properties config)
    {
        return checked(definition().parse(config));
    }

    /**
     * {@code default.api.timeout.ms}, which is at least {@code request.timeout.ms}: a call that
     * could time out before its one request does would never see the request's outcome. As in
     * Kafka, a default that is too small is raised; a value the user gave is refused.
     */
    public static long defaultApiTimeoutMs(final ClientConfig config)
    {
        return Math.max(config.getInt(DEFAULT_API_TIMEOUT_MS_CONFIG), config.getInt(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG));
    }

    private static ClientConfig checked(final ClientConfig config)
    {
        final int apiTimeoutMs = config.getInt(DEFAULT_API_TIMEOUT_MS_CONFIG);
        final int requestTimeoutMs = config.getInt(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG);
        if (apiTimeoutMs < requestTimeoutMs && config.isGiven(DEFAULT_API_TIMEOUT_MS_CONFIG))
        {
            throw new ConfigException(DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(apiTimeoutMs), "at least request.timeout.ms ("
                + requestTimeoutMs + ")", "Invalid value '" + apiTimeoutMs + "' for configuration '" + DEFAULT_API_TIMEOUT_MS_CONFIG
                + "': it must be no smaller than " + CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG + " (" + requestTimeoutMs + ")");
        }
        return config;
    }
}
