package io.osprey.client;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * client/ must not depend on Agrona, Aeron or Netty (DESIGN section 1): Agrona 2 needs
 * {@code --add-exports} on every JVM that loads it, which a client library must not impose on
 * applications. The client's test classpath is its dependency set, so none of them may be on it.
 */
class ClientDependenciesTest
{
    @Test
    void shouldNotHaveAgronaAeronOrNettyOnTheClientClasspath()
    {
        for (final String className : new String[] {"org.agrona.DirectBuffer", "io.aeron.Aeron", "io.netty.channel.Channel"})
        {
            assertThatThrownBy(() -> Class.forName(className, false, getClass().getClassLoader()))
                .as(className).isInstanceOf(ClassNotFoundException.class);
        }
    }
}
