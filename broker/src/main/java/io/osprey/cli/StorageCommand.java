package io.osprey.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.osprey.common.OspreyException;
import io.osprey.config.BrokerConfig;
import io.osprey.config.MetaProperties;
import io.osprey.config.StorageFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code storage format}: writes {@code meta.properties} into every log directory of a node's
 * config, as {@code io.osprey.Node format} and Kafka's {@code kafka-storage.sh format} do.
 */
@Command(name = "storage", description = "Prepare a node's log directories.", mixinStandardHelpOptions = true,
    subcommands = {StorageCommand.Format.class})
final class StorageCommand
{
    @Option(names = "--output", scope = ScopeType.INHERIT, defaultValue = "text", description = "text (default) or json.")
    String output;

    @Spec
    CommandSpec spec;

    @Command(name = "format", description = "Format the log directories of a node's config for a cluster id (a new random one "
        + "unless --cluster-id or the config's cluster.id names one) and print the cluster id. A directory already formatted "
        + "is refused unless --ignore-formatted, which leaves it as it is.", mixinStandardHelpOptions = true)
    static final class Format implements Callable<Integer>
    {
        @ParentCommand
        StorageCommand parent;

        @Option(names = "--config", required = true, description = "The node's server.properties.")
        Path config;

        @Option(names = "--cluster-id", description = "The cluster id (22-character base64url, as storage format generates).")
        String clusterId;

        @Option(names = "--ignore-formatted", description = "Skip directories already formatted instead of failing.")
        boolean ignoreFormatted;

        @Option(names = "--override", description = "A config key=value replacing the file's; repeatable.")
        Map<String, String> overrides = new LinkedHashMap<>();

        /** One directory's outcome. */
        private record Outcome(Path dir, boolean formatted, String clusterId, int nodeId)
        {
        }

        @Override
        public Integer call() throws CliException
        {
            final List<Outcome> outcomes = new ArrayList<>();
            final String id;
            try
            {
                final BrokerConfig broker = BrokerConfig.load(config, overrides);
                id = clusterId != null ? clusterId : broker.clusterId().orElse(StorageFormat.randomClusterId());
                // Every directory is checked before any is written, so a refusal leaves nothing half-formatted.
                for (final Path dir : broker.logDirs())
                {
                    if (Files.exists(dir.resolve(StorageFormat.META_PROPERTIES)))
                    {
                        final MetaProperties existing = StorageFormat.read(dir);
                        if (!ignoreFormatted)
                        {
                            throw new CliException(dir + " is already formatted (cluster " + existing.clusterId() + ", node "
                                + existing.nodeId() + "); use --ignore-formatted to keep it");
                        }
                        outcomes.add(new Outcome(dir, false, existing.clusterId(), existing.nodeId()));
                    }
                    else
                    {
                        outcomes.add(new Outcome(dir, true, id, broker.nodeId()));
                    }
                }
                for (final Outcome o : outcomes)
                {
                    if (o.formatted())
                    {
                        StorageFormat.format(o.dir(), o.clusterId(), o.nodeId());
                    }
                }
            }
            catch (final java.nio.file.NoSuchFileException e)
            {
                throw new CliException("No such file: " + e.getFile());
            }
            catch (final IOException | OspreyException | IllegalArgumentException e)
            {
                throw new CliException(e.getMessage());
            }
            // With --ignore-formatted and nothing new written, the id the directories already hold.
            final String shown = outcomes.stream().anyMatch(Outcome::formatted) || outcomes.isEmpty() ? id : outcomes.get(0).clusterId();
            final PrintWriter out = parent.spec.commandLine().getOut();
            if ("json".equals(parent.output))
            {
                final List<String> dirs = new ArrayList<>();
                for (final Outcome o : outcomes)
                {
                    dirs.add(String.format("{\"dir\":%s,\"formatted\":%b,\"clusterId\":%s,\"nodeId\":%d}",
                        GroupCommand.jsonString(o.dir().toString()), o.formatted(), GroupCommand.jsonString(o.clusterId()), o.nodeId()));
                }
                out.printf("{\"clusterId\":%s,\"directories\":[%s]}%n", GroupCommand.jsonString(shown), String.join(",", dirs));
            }
            else
            {
                for (final Outcome o : outcomes)
                {
                    out.println(o.formatted() ? "Formatted " + o.dir() + " for cluster " + o.clusterId() + ", node " + o.nodeId()
                        : "Already formatted: " + o.dir() + " (cluster " + o.clusterId() + ", node " + o.nodeId() + ")");
                }
                out.println("Cluster id: " + shown);
            }
            out.flush();
            return 0;
        }
    }
}
