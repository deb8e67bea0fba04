package io.osprey.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import io.osprey.admin.Admin;
import io.osprey.admin.AlterConfigOp;
import io.osprey.admin.Config;
import io.osprey.admin.ConfigEntry;
import io.osprey.admin.ConfigResource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code topic config get|set}: a topic's configs through DescribeConfigs and
 * IncrementalAlterConfigs, like Kafka's {@code kafka-configs.sh --entity-type topics}.
 */
@Command(name = "config", description = "Get and set a topic's configs.", mixinStandardHelpOptions = true,
    subcommands = {TopicConfigCommand.Get.class, TopicConfigCommand.Set.class})
final class TopicConfigCommand
{
    @ParentCommand
    TopicCommand topic;

    static ConfigResource resource(final String topic)
    {
        return new ConfigResource(ConfigResource.Type.TOPIC, topic);
    }

    @Command(name = "get", description = "Print a topic's configs: every key with its value and where the value comes from, "
        + "or one key with --key.", mixinStandardHelpOptions = true)
    static final class Get implements Callable<Integer>
    {
        @ParentCommand
        TopicConfigCommand parent;

        @Option(names = "--topic", required = true)
        String topic;

        @Option(names = "--key", description = "Only this config key.")
        String key;

        @Override
        public Integer call() throws CliException
        {
            final ConfigResource resource = resource(topic);
            final Config config;
            try (Admin admin = parent.topic.admin())
            {
                config = AdminCommand.await(admin.describeConfigs(List.of(resource)).all()).get(resource);
            }
            if (config == null)
            {
                throw new CliException("The broker returned no configs for topic '" + topic + "'");
            }
            final List<ConfigEntry> entries = new ArrayList<>();
            if (key != null)
            {
                final ConfigEntry e = config.get(key);
                if (e == null)
                {
                    throw new CliException("Topic '" + topic + "' has no config '" + key + "'");
                }
                entries.add(e);
            }
            else
            {
                entries.addAll(config.entries());
            }
            final PrintWriter out = parent.topic.out();
            if (parent.topic.json())
            {
                out.println(entries.stream().map(e -> String.format("{\"name\":%s,\"value\":%s,\"source\":\"%s\",\"sensitive\":%b,"
                        + "\"readOnly\":%b}", GroupCommand.jsonString(e.name()), GroupCommand.jsonString(e.value()), e.source(),
                        e.isSensitive(), e.isReadOnly()))
                    .collect(Collectors.joining(",", "{\"topic\":" + GroupCommand.jsonString(topic) + ",\"configs\":[", "]}")));
            }
            else
            {
                final GroupCommand.TextTable table = new GroupCommand.TextTable("KEY", "VALUE", "SOURCE");
                for (final ConfigEntry e : entries)
                {
                    table.row(e.name(), e.isSensitive() && e.value() == null ? "(sensitive)" : GroupCommand.text(e.value()),
                        e.source().toString());
                }
                table.print(out);
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "set", description = "Set and delete topic config overrides in one IncrementalAlterConfigs request; "
        + "a deleted key falls back to the broker's default.", mixinStandardHelpOptions = true)
    static final class Set implements Callable<Integer>
    {
        @ParentCommand
        TopicConfigCommand parent;

        @Option(names = "--topic", required = true)
        String topic;

        @Option(names = "--config", description = "key=value to set; repeatable.")
        Map<String, String> set = new LinkedHashMap<>();

        @Option(names = "--delete-config", description = "Key whose override to remove; repeatable.")
        List<String> delete = new ArrayList<>();

        @Override
        public Integer call() throws CliException
        {
            if (set.isEmpty() && delete.isEmpty())
            {
                throw new CliException("Nothing to change: give --config key=value or --delete-config key");
            }
            final List<AlterConfigOp> ops = new ArrayList<>();
            set.forEach((k, v) -> ops.add(new AlterConfigOp(new ConfigEntry(k, v), AlterConfigOp.OpType.SET)));
            for (final String k : delete)
            {
                ops.add(new AlterConfigOp(new ConfigEntry(k, null), AlterConfigOp.OpType.DELETE));
            }
            final Map<ConfigResource, Collection<AlterConfigOp>> request = Map.of(resource(topic), ops);
            try (Admin admin = parent.topic.admin())
            {
                AdminCommand.await(admin.incrementalAlterConfigs(request).all());
            }
            final PrintWriter out = parent.topic.out();
            if (parent.topic.json())
            {
                out.printf("{\"topic\":%s,\"set\":%s,\"deleted\":%s}%n", GroupCommand.jsonString(topic),
                    set.entrySet().stream().map(e -> GroupCommand.jsonString(e.getKey()) + ":" + GroupCommand.jsonString(e.getValue()))
                        .collect(Collectors.joining(",", "{", "}")),
                    delete.stream().map(GroupCommand::jsonString).collect(Collectors.joining(",", "[", "]")));
            }
            else
            {
                set.forEach((k, v) -> out.printf("Set %s=%s on topic %s.%n", k, v, topic));
                delete.forEach(k -> out.printf("Deleted %s on topic %s (the default applies).%n", k, topic));
            }
            out.flush();
            return 0;
        }
    }
}
