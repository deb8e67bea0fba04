package io.osprey.protocol;

/**
 * A request or response body of one API. Each message class also has a static
 * {@code read(ProtocolReader, short version)}; the reader and writer are set to the version's
 * flexibility by the caller ({@link ApiKey#isFlexible(short)}).
 */
public interface Message
{
    void write(ProtocolWriter writer, short version);
}
