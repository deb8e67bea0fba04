package io.osprey.admin;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.message.MetadataRequest;
import io.osprey.protocol.message.MetadataResponse;

/** {@link Admin#listTopics}: one Metadata request for every topic, to any broker. Not thread-safe; see {@link AdminCall}. */
final class ListTopicsCall extends AdminCall
{
    private final CompletableFuture<Map<String, TopicListing>> future;
    private final boolean listInternal;

    ListTopicsCall(final long createdMs, final long deadlineMs, final CompletableFuture<Map<String, TopicListing>> future,
        final boolean listInternal)
    {
        super("listTopics", createdMs, deadlineMs);
        this.future = future;
        this.listInternal = listInternal;
    }

    @Override
    CallTarget target()
    {
        return CallTarget.LEAST_LOADED;
    }

    @Override
    ApiKey api()
    {
        return ApiKey.METADATA;
    }

    /** Every topic is a null list, except in v0 where it is an empty one. */
    @Override
    Message request(final short version, final int timeoutMs)
    {
        return new MetadataRequest(version == 0 ? List.of() : null, false, false, false);
    }

    @Override
    OspreyException onResponse(final ApiKey api, final short version, final ProtocolReader body)
    {
        future.complete(listings(MetadataResponse.read(body, version), listInternal));
        return null;
    }

    /** The topics without a topic-level error, sorted by name; internal ones only when asked for. */
    static Map<String, TopicListing> listings(final MetadataResponse response, final boolean listInternal)
    {
        final Map<String, TopicListing> listings = new TreeMap<>();
        for (final MetadataResponse.Topic t : response.topics())
        {
            if (t.name() != null && t.errorCode() == ErrorCode.NONE.code && (listInternal || !t.isInternal()))
            {
                listings.put(t.name(), new TopicListing(t.name(), t.topicId(), t.isInternal()));
            }
        }
        return Collections.unmodifiableMap(listings);
    }

    @Override
    void fail(final Throwable error)
    {
        future.completeExceptionally(error);
    }

    @Override
    boolean isDone()
    {
        return future.isDone();
    }
}
