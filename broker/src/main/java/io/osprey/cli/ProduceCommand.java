package io.osprey.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

import io.osprey.producer.OspreyProducer;
import io.osprey.producer.ProducerRecord;
import io.osprey.serialization.Serdes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Produces one record per line of standard input. With {@code --parse-key} (or
 * {@code --property parse.key=true}) a line is {@code key<separator>value}, the separator ':'
 * unless {@code --property key.separator=...} says otherwise; a line without it is a value with
 * a null key. Producer settings go in {@code --property key=value} with Kafka's key names.
 */
@Command(name = "produce", description = "Produce lines from stdin as records.", mixinStandardHelpOptions = true)
final class ProduceCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Option(names = "--bootstrap-server", defaultValue = "${env:BOOTSTRAP_SERVERS:-127.0.0.1:9092}", description = "Broker to connect to (default ${DEFAULT-VALUE}).")
    String bootstrapServer;

    @Option(names = "--topic", required = true)
    String topic;

    @Option(names = "--parse-key", description = "Split each line into key and value at the key separator (default ':').")
    boolean parseKey;

    @Option(names = "--property", description = "parse.key, key.separator, or a producer setting (acks, linger.ms, compression.type, ...); repeatable.")
    Map<String, String> properties = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception
    {
        final Map<String, String> props = new HashMap<>(properties);
        final boolean splitKey = parseKey || Boolean.parseBoolean(props.remove("parse.key"));
        final String separator = props.getOrDefault("key.separator", ":");
        props.remove("key.separator");
        final Map<String, Object> config = new HashMap<>(props);
        config.put("bootstrap.servers", bootstrapServer);
        config.putIfAbsent("client.id", "osprey-cli-producer");
        final AtomicReference<Exception> failure = new AtomicReference<>();
        long count = 0;
        try (OspreyProducer<String, String> producer = new OspreyProducer<>(config, new Serdes.StringSerializer(),
            new Serdes.StringSerializer());
             BufferedReader reader = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = reader.readLine()) != null && failure.get() == null)
            {
                String key = null;
                String value = line;
                final int at = splitKey ? line.indexOf(separator) : -1;
                if (at >= 0)
                {
                    key = line.substring(0, at);
                    value = line.substring(at + separator.length());
                }
                producer.send(new ProducerRecord<>(topic, key, value), (metadata, e) ->
                {
                    if (e != null)
                    {
                        failure.compareAndSet(null, e);
                    }
                });
                count++;
            }
            producer.flush();
        }
        if (failure.get() != null)
        {
            throw new CliException(failure.get().getMessage());
        }
        final PrintWriter err = spec.commandLine().getErr();
        err.printf("Produced %d record(s) to %s.%n", count, topic);
        err.flush();
        return 0;
    }
}
