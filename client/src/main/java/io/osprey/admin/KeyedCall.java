package io.osprey.admin;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.common.errors.Errors;

/**
 * A call with one future per key (topic, config resource) whose response answers each key with
 * its own error code and message. Keys answered with a retriable error ({@link #RETRIED_ERRORS})
 * stay outstanding and are asked for again; every other error fails that key's future with the
 * broker's code and message; a key the response does not mention fails as a broker bug.
 * <p>
 * Not thread-safe; see {@link AdminCall}.
 *
 * @param <K> the key
 * @param <V> the value of a key's future
 */
abstract class KeyedCall<K, V> extends AdminCall
{
    /**
     * Per-key errors worth another attempt. NOT_CONTROLLER: the request reached a broker that
     * lost the controller role, and fresh metadata names the new one. THROTTLING_QUOTA_EXCEEDED:
     * the broker asks the client to slow down. Other codes Kafka marks retriable are final for
     * an admin call (UNKNOWN_TOPIC_OR_PARTITION on a delete means the topic is not there).
     */
    static final Set<ErrorCode> RETRIED_ERRORS = Set.of(ErrorCode.NOT_CONTROLLER, ErrorCode.THROTTLING_QUOTA_EXCEEDED);

    private final Map<K, CompletableFuture<V>> outstanding;
    private final Set<K> retrying = new HashSet<>();
    private OspreyException retryError;

    /** @param futures every key's future, in the order the request should list them; keys already failed left out */
    KeyedCall(final String name, final long createdMs, final long deadlineMs, final Map<K, CompletableFuture<V>> futures)
    {
        super(name, createdMs, deadlineMs);
        this.outstanding = new LinkedHashMap<>(futures);
    }

    /** The keys still without an outcome, in request order: what the next request asks for. */
    final Set<K> outstandingKeys()
    {
        return Collections.unmodifiableSet(outstanding.keySet());
    }

    /**
     * Records one key's outcome from a response; keys not outstanding (answered twice, or never
     * asked) are ignored.
     *
     * @param value turns the key's part of the response into its value; called only on success
     */
    final <R> void onKey(final K key, final short errorCode, final String errorMessage, final R result, final Function<R, V> value)
    {
        final CompletableFuture<V> future = outstanding.get(key);
        if (future == null)
        {
            return;
        }
        final ErrorCode error = ErrorCode.forCode(errorCode);
        if (error == ErrorCode.NONE)
        {
            outstanding.remove(key);
            future.complete(value.apply(result));
        }
        else if (RETRIED_ERRORS.contains(error))
        {
            retrying.add(key);
            retryError = Errors.forCode(errorCode, errorMessage);
        }
        else
        {
            outstanding.remove(key);
            future.completeExceptionally(Errors.forCode(errorCode, errorMessage));
        }
    }

    /**
     * Ends the handling of one response: keys it did not mention fail.
     *
     * @return null when no key is outstanding; else the error to retry the rest after
     */
    final OspreyException endResponse(final String responseName, final Function<K, String> describeKey)
    {
        for (final var it = outstanding.entrySet().iterator(); it.hasNext(); )
        {
            final Map.Entry<K, CompletableFuture<V>> e = it.next();
            if (!retrying.contains(e.getKey()))
            {
                it.remove();
                e.getValue().completeExceptionally(new OspreyException(ErrorCode.UNKNOWN_SERVER_ERROR,
                    "The broker's " + responseName + " response did not mention " + describeKey.apply(e.getKey())));
            }
        }
        retrying.clear();
        final OspreyException error = retryError;
        retryError = null;
        return outstanding.isEmpty() ? null : error;
    }

    @Override
    final void fail(final Throwable error)
    {
        failAll(outstanding, error);
    }

    @Override
    final boolean isDone()
    {
        return outstanding.isEmpty();
    }
}
