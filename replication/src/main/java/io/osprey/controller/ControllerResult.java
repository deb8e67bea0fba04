package io.osprey.controller;

import java.util.List;
import java.util.Objects;

/**
 * What a command produces: records to commit and replay, and the response to send once they
 * are committed (never before: an uncommitted answer could be lost in a failover).
 */
public record ControllerResult(List<MetadataRecord> records, Response response)
{
    public ControllerResult
    {
        records = List.copyOf(records);
        Objects.requireNonNull(response, "response");
    }
}
