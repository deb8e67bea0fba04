package io.osprey.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import io.osprey.admin.Admin;
import io.osprey.common.OspreyException;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What the admin-client commands ({@code topic}, {@code group}) share: the
 * {@code --bootstrap-server} and {@code --output} options, inherited by every subcommand, the
 * admin client they connect with, and how a failed admin future becomes exit code 1.
 */
abstract class AdminCommand
{
    @Option(names = "--bootstrap-server", scope = ScopeType.INHERIT, defaultValue = "${env:BOOTSTRAP_SERVERS:-127.0.0.1:9092}", description = "Broker to connect to (default ${DEFAULT-VALUE}).")
    String bootstrapServer;

    @Option(names = "--output", scope = ScopeType.INHERIT, defaultValue = "text", description = "text (default) or json.")
    String output;

    @Spec
    CommandSpec spec;

    Admin admin()
    {
        return Admin.create(Map.of("bootstrap.servers", bootstrapServer, "client.id", "osprey-cli",
            "default.api.timeout.ms", 30_000));
    }

    boolean json()
    {
        return "json".equals(output);
    }

    PrintWriter out()
    {
        return spec.commandLine().getOut();
    }

    /** Waits for an admin future; a failure prints the broker's message and becomes exit code 1. */
    static <T> T await(final CompletableFuture<T> future) throws CliException
    {
        try
        {
            return future.get();
        }
        catch (final ExecutionException e)
        {
            final Throwable cause = e.getCause();
            throw new CliException(cause instanceof OspreyException o ?
                o.getMessage() + " (" + o.errorCode() + ")" : String.valueOf(cause));
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }
}
