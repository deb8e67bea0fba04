package io.osprey.protocol;

/**
 * The {@code records} field of Produce and Fetch messages: record batches carried as opaque
 * bytes. In memory ({@link MemoryRecords}) when decoded from a request or built by a client;
 * on the broker a fetch response carries a file region instead, which the writer does not copy
 * but leaves as an external part for the network layer to send with sendfile.
 */
public interface Records
{
    int sizeInBytes();
}
