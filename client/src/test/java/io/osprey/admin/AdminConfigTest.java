package io.osprey.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import io.osprey.common.ConfigException;
import io.osprey.client.config.ClientConfig;
import io.osprey.client.config.CommonClientConfigs;

class AdminConfigTest
{
    private static final String THREAD_PREFIX = "osprey-admin-client-thread";

    private static Map<String, Object> withBootstrap(final Object... keyValues)
    {
        final Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", "127.0.0.1:9092");
        for (int i = 0; i < keyValues.length; i += 2)
        {
            config.put((String)keyValues[i], keyValues[i + 1]);
        }
        return config;
    }

    @Test
    void shouldTakeKafkasAdminDefaults()
    {
        final ClientConfig config = AdminConfig.parse(withBootstrap());

        assertThat(config.getInt(AdminConfig.DEFAULT_API_TIMEOUT_MS_CONFIG)).isEqualTo(60000);
        assertThat(config.getInt(AdminConfig.RETRIES_CONFIG)).isEqualTo(Integer.MAX_VALUE);
        assertThat(config.getInt(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG)).isEqualTo(30000);
        assertThat(config.getLong(CommonClientConfigs.RETRY_BACKOFF_MS_CONFIG)).isEqualTo(100L);
        assertThat(config.getLong(CommonClientConfigs.RETRY_BACKOFF_MAX_MS_CONFIG)).isEqualTo(1000L);
        assertThat(config.getLong(CommonClientConfigs.CONNECTIONS_MAX_IDLE_MS_CONFIG)).isEqualTo(300000L);
        assertThat(AdminConfig.defaultApiTimeoutMs(config)).isEqualTo(60000L);
    }

    @Test
    void shouldRefuseAnUnknownKeyNamingItAndTheClosestKnownOne()
    {
        assertThatThrownBy(() -> AdminConfig.parse(withBootstrap("retires", "3")))
            .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("retires"))
            .hasMessageContaining("Unknown admin configuration 'retires'")
            .hasMessageContaining("did you mean 'retries'?");
    }

    @Test
    void shouldRefuseInvalidValuesNamingTheKey()
    {
        assertThatThrownBy(() -> AdminConfig.parse(withBootstrap("retries", -1)))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("'retries'");
        assertThatThrownBy(() -> AdminConfig.parse(withBootstrap("default.api.timeout.ms", "soon")))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("Invalid value 'soon' for configuration 'default.api.timeout.ms'");
    }

    @Test
    void shouldRequireBootstrapServers()
    {
        assertThatThrownBy(() -> AdminConfig.parse(Map.of("client.id", "tool")))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("bootstrap.servers");
    }

    @Test
    void shouldRefuseAGivenApiTimeoutBelowTheRequestTimeout()
    {
        assertThatThrownBy(() -> AdminConfig.parse(withBootstrap("default.api.timeout.ms", 1000, "request.timeout.ms", 5000)))
            .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("default.api.timeout.ms"))
            .hasMessageContaining("default.api.timeout.ms")
            .hasMessageContaining("request.timeout.ms (5000)");
    }

    @Test
    void shouldRaiseTheDefaultApiTimeoutToARequestTimeoutAboveIt()
    {
        final ClientConfig config = AdminConfig.parse(withBootstrap("request.timeout.ms", 90000));

        assertThat(AdminConfig.defaultApiTimeoutMs(config)).isEqualTo(90000L);
    }

    @Test
    void shouldFailConstructionWithoutStartingAThread()
    {
        final long before = adminThreads();

        assertThatThrownBy(() -> Admin.create(withBootstrap("linger.ms", 5)))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("'linger.ms'");
        final Properties props = new Properties();
        props.put("bootstrap.servers", "127.0.0.1:9092");
        props.put("request.timeout.ms", "fast");
        assertThatThrownBy(() -> Admin.create(props))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("'request.timeout.ms'");
        assertThat(adminThreads()).isEqualTo(before);
    }

    private static long adminThreads()
    {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(THREAD_PREFIX)).count();
    }
}
