package io.osprey.server;

import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.osprey.config.HostPort;
import io.osprey.config.ServerKeys;
import io.osprey.metrics.PrometheusText;

/**
 * The node's admin HTTP port ({@code osprey.admin.http.listener}):
 * <ul>
 *   <li>{@code GET /health}: 200 {@code ok} while the process is up;</li>
 *   <li>{@code GET /ready}: 200 {@code ready} when the node serves, else 503 with the reason in
 *   one line (see {@link NodeStatus});</li>
 *   <li>{@code GET /metrics}: Prometheus text format;</li>
 *   <li>anything else: 404.</li>
 * </ul>
 * It starts before the node's roles, so that /health answers and /ready says "starting" while
 * the broker waits for the controller quorum, and stops before them.
 * <p>
 * The JDK's HttpServer with one daemon thread: scrapes and probes are rare and cheap, and it
 * keeps an HTTP library out of the broker. Thread-safety: {@link #attach} from any thread.
 */
public final class AdminHttpServer implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(AdminHttpServer.class);
    /** How long a stop waits for the HTTP thread to finish an exchange in progress. */
    private static final int STOP_WAIT_S = 2;

    private final HttpServer server;
    private final ExecutorService executor;
    private volatile OspreyNode node;

    private AdminHttpServer(final HttpServer server, final ExecutorService executor)
    {
        this.server = server;
        this.executor = executor;
    }

    /** Binds {@code address} and starts serving. */
    public static AdminHttpServer start(final HostPort address) throws IOException
    {
        final InetSocketAddress bind = address.isWildcard() ? new InetSocketAddress(address.port()) :
            new InetSocketAddress(address.host(), address.port());
        final HttpServer server;
        try
        {
            server = HttpServer.create(bind, 16);
        }
        catch (final BindException e)
        {
            throw new IOException("Cannot bind " + ServerKeys.ADMIN_HTTP_LISTENER + " " + address + ": " + e.getMessage(), e);
        }
        final ExecutorService executor = Executors.newSingleThreadExecutor(r ->
        {
            final Thread t = new Thread(r, "osprey-admin-http");
            t.setDaemon(true);
            return t;
        });
        final AdminHttpServer admin = new AdminHttpServer(server, executor);
        server.createContext("/", admin::handle);
        server.setExecutor(executor);
        server.start();
        LOG.info("Admin HTTP listening on {} (/metrics, /ready, /health)", admin.address());
        return admin;
    }

    /** The node whose state /ready and /metrics report, once its roles have started. */
    void attach(final OspreyNode node)
    {
        this.node = node;
    }

    public InetSocketAddress address()
    {
        return server.getAddress();
    }

    private void handle(final HttpExchange exchange) throws IOException
    {
        try (exchange)
        {
            final String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD"))
            {
                send(exchange, 405, "text/plain; charset=utf-8", "only GET and HEAD\n");
                return;
            }
            final OspreyNode current = node;
            switch (exchange.getRequestURI().getPath())
            {
                case "/health" -> send(exchange, 200, "text/plain; charset=utf-8", "ok\n");
                case "/ready" ->
                {
                    final String problem = current == null ? "starting" : NodeStatus.readinessProblem(current);
                    send(exchange, problem == null ? 200 : 503, "text/plain; charset=utf-8",
                        (problem == null ? "ready" : problem) + "\n");
                }
                case "/metrics" ->
                {
                    if (current == null)
                    {
                        send(exchange, 503, "text/plain; charset=utf-8", "starting\n");
                    }
                    else
                    {
                        send(exchange, 200, PrometheusText.CONTENT_TYPE, NodeStatus.metrics(current));
                    }
                }
                default -> send(exchange, 404, "text/plain; charset=utf-8", "not found; try /metrics, /ready or /health\n");
            }
        }
        catch (final RuntimeException e)
        {
            LOG.error("Admin HTTP {} failed", exchange.getRequestURI(), e);
            throw e;
        }
    }

    private static void send(final HttpExchange exchange, final int status, final String contentType, final String body)
        throws IOException
    {
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        final boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head)
        {
            try (OutputStream out = exchange.getResponseBody())
            {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close()
    {
        // 0: JDK 17's stop(n) waits the full n seconds even when idle; the executor wait below covers work in progress.
        server.stop(0);
        executor.shutdown();
        try
        {
            if (!executor.awaitTermination(STOP_WAIT_S, TimeUnit.SECONDS))
            {
                LOG.warn("Admin HTTP thread still busy after {} s", STOP_WAIT_S);
            }
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }
}
