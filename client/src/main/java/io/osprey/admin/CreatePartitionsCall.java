package io.osprey.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.osprey.common.OspreyException;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.message.CreatePartitionsRequest;
import io.osprey.protocol.message.CreatePartitionsResponse;

/**
 * {@link Admin#createPartitions}: one CreatePartitions request to the controller, with no
 * assignments so the broker places the new partitions. Not thread-safe; see {@link AdminCall}.
 */
final class CreatePartitionsCall extends KeyedCall<String, Void>
{
    private final Map<String, Integer> newTotalCounts;
    private final boolean validateOnly;

    CreatePartitionsCall(final long createdMs, final long deadlineMs, final Map<String, Integer> newTotalCounts,
        final Map<String, CompletableFuture<Void>> futures, final boolean validateOnly)
    {
        super("createPartitions", createdMs, deadlineMs, futures);
        this.newTotalCounts = newTotalCounts;
        this.validateOnly = validateOnly;
    }

    @Override
    CallTarget target()
    {
        return CallTarget.CONTROLLER;
    }

    @Override
    ApiKey api()
    {
        return ApiKey.CREATE_PARTITIONS;
    }

    @Override
    Message request(final short version, final int timeoutMs)
    {
        final List<CreatePartitionsRequest.CreatePartitionsTopic> topics = new ArrayList<>();
        for (final String name : outstandingKeys())
        {
            topics.add(new CreatePartitionsRequest.CreatePartitionsTopic(name, newTotalCounts.get(name), null));
        }
        return new CreatePartitionsRequest(topics, timeoutMs, validateOnly);
    }

    @Override
    OspreyException onResponse(final ApiKey api, final short version, final ProtocolReader body)
    {
        for (final CreatePartitionsResponse.CreatePartitionsTopicResult result : CreatePartitionsResponse.read(body, version).results())
        {
            onKey(result.name(), result.errorCode(), result.errorMessage(), result, r -> null);
        }
        return endResponse("CreatePartitions", name -> "topic '" + name + "'");
    }
}
