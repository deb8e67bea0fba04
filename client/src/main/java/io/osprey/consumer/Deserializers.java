package io.osprey.consumer;

import io.osprey.common.ConfigException;
import io.osprey.client.config.ClientConfig;
import io.osprey.serialization.Deserializer;

/** Finds the consumer's key and value deserializers: given instances, or configured classes. Stateless. */
final class Deserializers
{
    private Deserializers()
    {
    }

    /**
     * The given instance, used as is (not configured, as in Kafka), else a new instance of the
     * class under {@code key}, configured with the consumer's settings.
     *
     * @throws ConfigException naming {@code key} when neither is there, or the class is no
     *                               Osprey deserializer or cannot be instantiated
     */
    static <T> Deserializer<T> resolve(final ClientConfig config, final String key, final Deserializer<T> given, final boolean isKey)
    {
        if (given != null)
        {
            return given;
        }
        final Class<?> type = config.getClass(key);
        if (type == null)
        {
            throw ConfigException.missing(key, "a class implementing " + Deserializer.class.getName()
                + " (or pass a deserializer instance to the constructor)");
        }
        if (!Deserializer.class.isAssignableFrom(type))
        {
            throw ConfigException.invalidValue(key, type.getName(), "a class implementing " + Deserializer.class.getName(),
                type.getName() + " does not implement it" + (type.getName().startsWith("org.apache.kafka.")
                    ? "; use the matching class of io.osprey.serialization.Serdes" : ""));
        }
        final Deserializer<T> deserializer = instantiate(type, key);
        deserializer.configure(config.originals(), isKey);
        return deserializer;
    }

    @SuppressWarnings("unchecked")
    private static <T> Deserializer<T> instantiate(final Class<?> type, final String key)
    {
        try
        {
            // Checked above: the class implements Deserializer; its type argument cannot be checked at run time.
            return (Deserializer<T>)type.getDeclaredConstructor().newInstance();
        }
        catch (final ReflectiveOperationException | RuntimeException e)
        {
            throw ConfigException.invalidValue(key, type.getName(), "a class with a public no-argument constructor",
                "cannot instantiate it: " + e);
        }
    }
}
