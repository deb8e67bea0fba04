package io.osprey.network;

import io.osprey.log.LogSlice;
import io.osprey.protocol.Records;

/** Records of a fetch response that stay in a segment file and are sent with sendfile. */
public record FileRecords(LogSlice slice) implements Records
{
    @Override
    public int sizeInBytes()
    {
        return slice.length();
    }
}
