package io.osprey.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import io.osprey.common.OspreyException;
import io.osprey.server.TestBroker;

/**
 * One real single-node broker per test class with Osprey's admin client and Kafka's own admin
 * client (the referee) connected to it, and bounded waits for either kind of future.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AdminRefereeTestBase
{
    private final long waitSeconds;
    private final String clientId;

    protected TestBroker broker;
    protected Admin admin;
    protected org.apache.kafka.clients.admin.Admin kafka;

    AdminRefereeTestBase(final long waitSeconds, final String clientId)
    {
        this.waitSeconds = waitSeconds;
        this.clientId = clientId;
    }

    @BeforeAll
    void start(@TempDir final Path tmp) throws Exception
    {
        broker = new TestBroker(tmp.resolve("node"));
        admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrap(), "client.id", clientId));
        kafka = org.apache.kafka.clients.admin.Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()));
    }

    @AfterAll
    void stop()
    {
        if (admin != null)
        {
            admin.close(Duration.ofSeconds(5));
        }
        if (kafka != null)
        {
            kafka.close(Duration.ofSeconds(5));
        }
        if (broker != null)
        {
            broker.close();
        }
    }

    protected long waitSeconds()
    {
        return waitSeconds;
    }

    protected <T> T get(final CompletableFuture<T> future) throws Exception
    {
        return future.get(waitSeconds, TimeUnit.SECONDS);
    }

    protected <T> T get(final KafkaFuture<T> future) throws Exception
    {
        return future.get(waitSeconds, TimeUnit.SECONDS);
    }

    /** The broker error a future failed with. */
    protected OspreyException brokerError(final CompletableFuture<?> future)
    {
        final Throwable thrown = catchThrowable(() -> future.get(waitSeconds, TimeUnit.SECONDS));
        assertThat(thrown).isInstanceOf(ExecutionException.class);
        assertThat(thrown.getCause()).isInstanceOf(OspreyException.class);
        return (OspreyException)thrown.getCause();
    }
}
