package io.osprey.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.osprey.common.TopicPartition;
import io.osprey.consumer.ConsumerRecord;
import io.osprey.consumer.OffsetAndMetadata;
import io.osprey.consumer.OspreyConsumer;
import io.osprey.consumer.PartitionInfo;
import io.osprey.serialization.Serdes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Prints a topic's records to standard output, one value per line ({@code key:value} with
 * {@code --property print.key=true}). Reads every partition of the topic from the end, or from
 * the beginning with {@code --from-beginning}; stops after {@code --max-messages} records or
 * after {@code --timeout-ms} without a new record.
 */
@Command(name = "consume", description = "Print a topic's records to stdout.", mixinStandardHelpOptions = true)
final class ConsumeCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Option(names = "--bootstrap-server", defaultValue = "${env:BOOTSTRAP_SERVERS:-127.0.0.1:9092}", description = "Broker to connect to (default ${DEFAULT-VALUE}).")
    String bootstrapServer;

    @Option(names = "--topic", required = true)
    String topic;

    @Option(names = "--group", description = "Join this consumer group: read the partitions it assigns, from its committed "
        + "offsets (new partitions from the start with --from-beginning, else the end), committing as it goes.")
    String group;

    @Option(names = "--from-beginning", description = "Start at the earliest offset instead of the end.")
    boolean fromBeginning;

    @Option(names = "--max-messages", description = "Stop after this many records.")
    Long maxMessages;

    @Option(names = "--timeout-ms", description = "Stop after this long without a record (default: wait forever).")
    Long timeoutMs;

    @Option(names = "--property", description = "print.key, print.offset, key.separator, or a consumer setting; repeatable.")
    Map<String, String> properties = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception
    {
        final Map<String, String> props = new HashMap<>(properties);
        final boolean printKey = Boolean.parseBoolean(props.remove("print.key"));
        final boolean printOffset = Boolean.parseBoolean(props.remove("print.offset"));
        final String separator = props.containsKey("key.separator") ? props.remove("key.separator") : ":";
        final Map<String, Object> config = new HashMap<>(props);
        config.put("bootstrap.servers", bootstrapServer);
        config.putIfAbsent("client.id", "osprey-cli-consumer");
        if (group != null)
        {
            config.put("group.id", group);
            config.putIfAbsent("auto.offset.reset", fromBeginning ? "earliest" : "latest");
            // Commit what was printed, not what poll returned: --max-messages can stop mid-batch.
            config.put("enable.auto.commit", "false");
        }
        final PrintWriter out = spec.commandLine().getOut();
        long count = 0;
        final Map<TopicPartition, OffsetAndMetadata> printed = new HashMap<>();
        try (OspreyConsumer<String, String> consumer = new OspreyConsumer<>(config, new Serdes.StringDeserializer(),
            new Serdes.StringDeserializer()))
        {
            final List<PartitionInfo> infos = consumer.partitionsFor(topic);
            if (infos.isEmpty())
            {
                throw new CliException("Topic '" + topic + "' does not exist");
            }
            if (group != null)
            {
                consumer.subscribe(List.of(topic));
            }
            else
            {
                final List<TopicPartition> partitions = new ArrayList<>();
                for (final PartitionInfo info : infos)
                {
                    partitions.add(new TopicPartition(topic, info.partition()));
                }
                consumer.assign(partitions);
                if (fromBeginning)
                {
                    consumer.seekToBeginning(partitions);
                }
                else
                {
                    consumer.seekToEnd(partitions);
                }
            }
            long lastRecordMs = System.currentTimeMillis();
            while (maxMessages == null || count < maxMessages)
            {
                boolean any = false;
                for (final ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200)))
                {
                    any = true;
                    if (printOffset)
                    {
                        out.print(r.partition() + "@" + r.offset() + separator);
                    }
                    if (printKey)
                    {
                        out.print(r.key() + separator);
                    }
                    out.println(r.value());
                    count++;
                    if (group != null)
                    {
                        printed.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                    }
                    if (maxMessages != null && count >= maxMessages)
                    {
                        break;
                    }
                }
                out.flush();
                if (any && group != null)
                {
                    consumer.commitAsync(new HashMap<>(printed), null);
                }
                final long nowMs = System.currentTimeMillis();
                if (any)
                {
                    lastRecordMs = nowMs;
                }
                else if (timeoutMs != null && nowMs - lastRecordMs >= timeoutMs)
                {
                    break;
                }
            }
            if (group != null && !printed.isEmpty())
            {
                consumer.commitSync(printed);
            }
        }
        final PrintWriter err = spec.commandLine().getErr();
        err.printf("Consumed %d record(s).%n", count);
        err.flush();
        return 0;
    }
}
