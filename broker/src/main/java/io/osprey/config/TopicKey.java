package io.osprey.config;

import java.util.List;
import java.util.function.Function;

/**
 * A topic-level key and where its default comes from: the broker keys it is a synonym of,
 * and how the broker's effective value is read (several broker keys may combine, as
 * {@code log.retention.ms/minutes/hours} do for {@code retention.ms}).
 *
 * @param key            the key itself; it has no default of its own
 * @param brokerSynonyms the broker keys that set the default, most specific first
 * @param brokerDefault  the default from a broker configuration, of the key's type
 */
public record TopicKey(ConfigKey key, List<String> brokerSynonyms, Function<BrokerConfig, Object> brokerDefault)
{
    public TopicKey
    {
        brokerSynonyms = List.copyOf(brokerSynonyms);
    }

    public String name()
    {
        return key.name();
    }

    public ConfigType type()
    {
        return key.type();
    }

    public String doc()
    {
        return key.doc();
    }

    public boolean sensitive()
    {
        return key.sensitive();
    }

    public Usage usage()
    {
        return key.usage();
    }
}
