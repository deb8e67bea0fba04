package io.osprey.producer;

import java.lang.reflect.InvocationTargetException;
import java.util.Map;

import io.osprey.common.ConfigException;
import io.osprey.serialization.Serdes;
import io.osprey.serialization.Serializer;

/**
 * Makes the serializer named by {@code key.serializer} or {@code value.serializer}.
 * <p>
 * Kafka users copy their configuration over, so Kafka's own serializer names are accepted for
 * the four serializers Osprey has byte-compatible equivalents of (String, ByteArray, Integer,
 * Long): they map to {@link Serdes}' classes, which write exactly the same bytes. Any other
 * {@code org.apache.kafka} name fails with a message saying so, rather than a class-cast error
 * or, worse, a Kafka class being loaded into an Osprey producer. Stateless.
 */
final class SerializerFactory
{
    private static final String KAFKA_PACKAGE = "org.apache.kafka.common.serialization.";

    private static final Map<String, Class<?>> KAFKA_EQUIVALENTS = Map.of(
        KAFKA_PACKAGE + "StringSerializer", Serdes.StringSerializer.class,
        KAFKA_PACKAGE + "ByteArraySerializer", Serdes.ByteArraySerializer.class,
        KAFKA_PACKAGE + "IntegerSerializer", Serdes.IntegerSerializer.class,
        KAFKA_PACKAGE + "LongSerializer", Serdes.LongSerializer.class);

    private SerializerFactory()
    {
    }

    /**
     * @param given the instance passed to the producer's constructor, or null to use the config
     * @param key   {@code key.serializer} or {@code value.serializer}
     */
    @SuppressWarnings("unchecked")
    static <T> Serializer<T> create(final Serializer<T> given, final ProducerSettings settings, final String key, final boolean isKey)
    {
        if (given != null)
        {
            return given;
        }
        final String name = settings.config().getString(key);
        if (name == null || name.isEmpty())
        {
            throw ConfigException.missing(key, "the class name of an io.osprey.serialization.Serializer (or a serializer "
                + "instance passed to the OspreyProducer constructor)");
        }
        final Serializer<T> serializer = (Serializer<T>)instantiate(key, name);
        serializer.configure(settings.config().originals(), isKey);
        return serializer;
    }

    private static Object instantiate(final String key, final String name)
    {
        final Class<?> type = resolve(key, name);
        if (!Serializer.class.isAssignableFrom(type))
        {
            throw ConfigException.invalidValue(key, name, "an io.osprey.serialization.Serializer", type.getName()
                + " does not implement io.osprey.serialization.Serializer");
        }
        try
        {
            return type.getConstructor().newInstance();
        }
        catch (final NoSuchMethodException | InstantiationException | IllegalAccessException e)
        {
            throw ConfigException.invalidValue(key, name, "a public class with a public no-argument constructor", e.toString());
        }
        catch (final InvocationTargetException e)
        {
            throw ConfigException.invalidValue(key, name, "a serializer whose constructor succeeds",
                "its constructor threw " + e.getCause());
        }
    }

    private static Class<?> resolve(final String key, final String name)
    {
        final Class<?> equivalent = KAFKA_EQUIVALENTS.get(name);
        if (equivalent != null)
        {
            return equivalent;
        }
        if (name.startsWith("org.apache.kafka."))
        {
            throw ConfigException.invalidValue(key, name, "an io.osprey.serialization.Serializer, or one of Kafka's "
                + "String, ByteArray, Integer or Long serializers", "Osprey has no equivalent of this Kafka serializer; "
                + "implement io.osprey.serialization.Serializer instead");
        }
        final ClassLoader context = Thread.currentThread().getContextClassLoader();
        try
        {
            return Class.forName(name, true, context != null ? context : SerializerFactory.class.getClassLoader());
        }
        catch (final ClassNotFoundException | LinkageError e)
        {
            throw ConfigException.invalidValue(key, name, "the class name of an io.osprey.serialization.Serializer",
                "class not found");
        }
    }
}
