package io.osprey.producer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.osprey.client.ExponentialBackoff;
import io.osprey.client.Metadata;
import io.osprey.client.MetadataSnapshot;
import io.osprey.client.MetadataUpdater;
import io.osprey.client.NetworkClient;
import io.osprey.client.Node;
import io.osprey.client.ResponseHandler;
import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;
import io.osprey.common.TopicPartition;
import io.osprey.common.errors.Errors;
import io.osprey.common.errors.UnsupportedVersionException;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.MemoryRecords;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.message.InitProducerIdRequest;
import io.osprey.protocol.message.InitProducerIdResponse;
import io.osprey.protocol.message.ProduceRequest;
import io.osprey.protocol.message.ProduceResponse;

/**
 * The producer's I/O thread: owns the {@link NetworkClient} and {@link MetadataUpdater}, turns
 * ready batches into Produce requests per leader, and settles each batch from the response.
 *
 * <h2>Duty cycle</h2>
 * Each {@link #runOnce}: (idempotent) get a producer id and reset partitions that need it; fail
 * batches past {@code delivery.timeout.ms}; find leaders with ready batches and connect to
 * them; drain and send; then poll the network for as long as nothing else is due (the next
 * linger or backoff deadline, the next expiry, a metadata refresh). User threads wake it when a
 * batch is created or fills, on flush and on close.
 *
 * <h2>Outcomes</h2>
 * Success completes the batch's futures with {@code baseOffset + index} and the log-append time
 * (DUPLICATE_SEQUENCE_NUMBER is success with an unknown offset, as in Kafka). A retriable error
 * or a lost connection puts the batch back, in order, with exponential backoff, and asks for
 * fresh metadata when the error says the leader moved, until {@code retries} or
 * {@code delivery.timeout.ms} run out; any other error fails the batch with the broker's
 * message. Sequence errors are handled by the {@link IdempotentSequencer}. A batch larger
 * than the broker accepts (MESSAGE_TOO_LARGE) fails; it is not split as Kafka's producer does.
 * <p>
 * Threading: everything here runs on the I/O thread except {@link #wakeup},
 * {@link #initiateClose}, {@link #forceClose} and {@link #fatalError}, which any thread may call.
 */
final class Sender implements Runnable
{
    private static final Logger LOG = LoggerFactory.getLogger(Sender.class);

    /** Sent in InitProducerId; brokers ignore it for a producer without a transactional id. */
    private static final int TRANSACTION_TIMEOUT_MS = 60000;

    private final ProducerSettings settings;
    private final NetworkClient client;
    private final MetadataUpdater metadataUpdater;
    private final Metadata metadata;
    private final RecordAccumulator accumulator;
    private final IdempotentSequencer sequencer;
    private final DrainGate gate;
    private final ExponentialBackoff retryBackoff;
    private final Random random;

    private final Set<Integer> readyNodes = new HashSet<>();
    private final Set<String> unknownLeaders = new HashSet<>();
    private final Map<ProducerBatch, OspreyException> refused = new LinkedHashMap<>();

    private volatile boolean running = true;
    private volatile boolean forceClose;
    private volatile RuntimeException fatalError;

    private int inFlightRequests;
    private boolean initInFlight;
    private long initRetryAtMs;
    private int initFailures;
    private boolean clientClosed;

    Sender(final ProducerSettings settings, final NetworkClient client, final MetadataUpdater metadataUpdater,
        final RecordAccumulator accumulator, final Random random)
    {
        this.settings = settings;
        this.client = client;
        this.metadataUpdater = metadataUpdater;
        this.metadata = client.metadata();
        this.accumulator = accumulator;
        this.random = random;
        this.retryBackoff = ExponentialBackoff.doubling(settings.retryBackoffMs(), settings.retryBackoffMaxMs());
        if (settings.idempotent())
        {
            this.sequencer = new IdempotentSequencer(Math.min(settings.maxInFlight(), ProducerConfig.IDEMPOTENT_MAX_IN_FLIGHT_MAX));
            this.gate = sequencer;
        }
        else
        {
            this.sequencer = null;
            this.gate = settings.maxInFlight() == 1 ? new PartitionMute() : DrainGate.OPEN;
        }
    }

    // ---- Cross-thread ----------------------------------------------------------------------------

    /** Cuts the I/O thread's poll short. Any thread. */
    void wakeup()
    {
        client.wakeup();
    }

    /** Stops taking work: the thread sends what is buffered, waits for the answers, then exits. Any thread. */
    void initiateClose()
    {
        accumulator.close();
        running = false;
        client.wakeup();
    }

    /** Stops at once: buffered and in-flight batches fail. Any thread. */
    void forceClose()
    {
        forceClose = true;
        accumulator.pool().close();
        initiateClose();
    }

    /** A fatal error (no producer id could be obtained): every send fails with it. Null while healthy. Any thread. */
    RuntimeException fatalError()
    {
        return fatalError;
    }

    // ---- The loop --------------------------------------------------------------------------------

    @Override
    public void run()
    {
        LOG.debug("Producer I/O thread started");
        while (running)
        {
            runOnceSafely();
        }
        // Graceful close: everything buffered goes out and is answered (or expires) first.
        while (!forceClose && (accumulator.hasUndrained() || inFlightRequests > 0))
        {
            runOnceSafely();
        }
        final OspreyException closed = new OspreyException(ErrorCode.UNKNOWN_SERVER_ERROR, "Producer is closed forcefully.");
        if (forceClose)
        {
            accumulator.abortUndrained(closed);
        }
        clientClosed = true;
        try
        {
            // Fails what is still in flight; the handlers see clientClosed and fail rather than retry.
            client.close();
        }
        catch (final RuntimeException e)
        {
            LOG.error("Failed to close the producer's network client", e);
        }
        accumulator.abortUndrained(closed);
        LOG.debug("Producer I/O thread stopped");
    }

    private void runOnceSafely()
    {
        try
        {
            runOnce();
        }
        catch (final RuntimeException e)
        {
            LOG.error("Uncaught error in the producer I/O thread", e);
        }
    }

    /** One duty cycle; see the class comment. */
    void runOnce()
    {
        final long nowMs = client.clock().nowMs();
        long pollTimeoutMs = Long.MAX_VALUE;
        if (sequencer != null)
        {
            pollTimeoutMs = maybeInitProducerId(nowMs);
            sequencer.maybeReset(refused);
            refused.forEach(this::fail);
            refused.clear();
        }
        if (fatalError != null)
        {
            accumulator.abortUndrained(fatalError);
        }
        for (final ProducerBatch batch : accumulator.expired(nowMs))
        {
            fail(batch, expiry(batch, nowMs));
        }

        final MetadataSnapshot snapshot = metadata.snapshot();
        readyNodes.clear();
        unknownLeaders.clear();
        pollTimeoutMs = Math.min(pollTimeoutMs, accumulator.ready(snapshot, nowMs, gate, readyNodes, unknownLeaders));
        if (!unknownLeaders.isEmpty() && !metadata.updateRequested())
        {
            LOG.debug("Requesting metadata: no known leader for partitions of {}", unknownLeaders);
            metadata.requestUpdate();
        }
        final Iterator<Integer> nodes = readyNodes.iterator();
        while (nodes.hasNext())
        {
            final int nodeId = nodes.next();
            if (!client.ready(nodeId, nowMs))
            {
                // In reconnect backoff: wake when it ends (connecting or full: the socket wakes us).
                nodes.remove();
                if (client.connectionFailed(nodeId) && !metadata.updateRequested())
                {
                    // As Kafka's client on a failed connection: the leader may have died and moved; ask
                    // for metadata, or the batches would wait for this node alone until they expire.
                    LOG.debug("Requesting metadata: connection to leader {} failed", nodeId);
                    metadata.requestUpdate();
                }
                pollTimeoutMs = Math.min(pollTimeoutMs, client.connectionDelayMs(nodeId, nowMs));
            }
        }
        final Map<Integer, List<ProducerBatch>> drained = accumulator.drain(snapshot, readyNodes, settings.maxRequestSize(), nowMs, gate);
        drained.forEach(this::sendProduceRequest);

        final long nextExpiryMs = accumulator.nextExpiryMs();
        if (nextExpiryMs != Long.MAX_VALUE)
        {
            pollTimeoutMs = Math.min(pollTimeoutMs, Math.max(0, nextExpiryMs - nowMs));
        }
        pollTimeoutMs = Math.min(pollTimeoutMs, metadataUpdater.poll(nowMs));
        // More may be drainable at once (one batch per partition per request, max.request.size).
        client.poll(drained.isEmpty() ? pollTimeoutMs : 0);
    }

    // ---- Producer id -------------------------------------------------------------------------------

    /** @return how long until another attempt is due, when one must wait; else Long.MAX_VALUE */
    private long maybeInitProducerId(final long nowMs)
    {
        if (sequencer.hasProducerId() || initInFlight || fatalError != null)
        {
            return Long.MAX_VALUE;
        }
        if (nowMs < initRetryAtMs)
        {
            return initRetryAtMs - nowMs;
        }
        final Node node = client.leastLoadedNode(nowMs);
        if (node == null)
        {
            initRetryAtMs = nowMs + settings.retryBackoffMs();
            return settings.retryBackoffMs();
        }
        initInFlight = true;
        client.send(node.id(), ApiKey.INIT_PRODUCER_ID, ApiKey.INIT_PRODUCER_ID.latest,
            version -> new InitProducerIdRequest(null, TRANSACTION_TIMEOUT_MS, -1L, (short)-1), settings.requestTimeoutMs(),
            ResponseHandler.of(this::onInitProducerIdResponse, this::onInitProducerIdFailure));
        return Long.MAX_VALUE;
    }

    private void onInitProducerIdResponse(final short version, final ProtocolReader body)
    {
        initInFlight = false;
        final InitProducerIdResponse response;
        try
        {
            response = InitProducerIdResponse.read(body, version);
        }
        catch (final RuntimeException e)
        {
            onInitProducerIdFailure(new OspreyException(ErrorCode.CORRUPT_MESSAGE, "Malformed InitProducerId response: " + e, e));
            return;
        }
        final OspreyException error = Errors.forCode(response.errorCode(), null);
        if (error == null)
        {
            LOG.info("Got producer id {} with epoch {}", response.producerId(), response.producerEpoch());
            sequencer.setProducerId(response.producerId(), response.producerEpoch());
            initFailures = 0;
            return;
        }
        onInitProducerIdFailure(error);
    }

    private void onInitProducerIdFailure(final OspreyException failure)
    {
        initInFlight = false;
        if (failure.retriable())
        {
            final long backoffMs = retryBackoff.backoffMs(initFailures++, random);
            initRetryAtMs = client.clock().nowMs() + backoffMs;
            LOG.debug("InitProducerId failed ({}); retrying in {} ms", failure.getMessage(), backoffMs);
            return;
        }
        LOG.error("The idempotent producer cannot get a producer id; every send will fail", failure);
        fatalError = new OspreyException(failure.errorCode(), "The idempotent producer could not get a producer id (InitProducerId): "
            + failure.getMessage(), failure);
    }

    // ---- Produce -----------------------------------------------------------------------------------

    private void sendProduceRequest(final int nodeId, final List<ProducerBatch> batches)
    {
        final Map<TopicPartition, ProducerBatch> byPartition = new LinkedHashMap<>();
        final Map<String, List<ProduceRequest.PartitionData>> byTopic = new LinkedHashMap<>();
        for (final ProducerBatch batch : batches)
        {
            byPartition.put(batch.partition, batch);
            byTopic.computeIfAbsent(batch.partition.topic(), t -> new ArrayList<>())
                .add(new ProduceRequest.PartitionData(batch.partition.partition(), new MemoryRecords(batch.records())));
        }
        final List<ProduceRequest.TopicData> topics = new ArrayList<>(byTopic.size());
        byTopic.forEach((topic, partitions) -> topics.add(new ProduceRequest.TopicData(topic, partitions)));
        final ProduceRequest request = new ProduceRequest(null, settings.acks(), (int)Math.min(Integer.MAX_VALUE, settings.requestTimeoutMs()),
            topics);
        inFlightRequests++;
        final ResponseHandler handler = ResponseHandler.of((version, body) -> onProduceResponse(nodeId, byPartition, version, body),
            failure -> onProduceFailure(nodeId, byPartition, failure));
        if (settings.acks() == 0)
        {
            client.sendNoResponse(nodeId, ApiKey.PRODUCE, ApiKey.PRODUCE.latest, version -> checkedVersion(request, version), handler);
        }
        else
        {
            client.send(nodeId, ApiKey.PRODUCE, ApiKey.PRODUCE.latest, version -> checkedVersion(request, version),
                settings.requestTimeoutMs(), handler);
        }
    }

    /** Produce v3 is the first to carry RecordBatch v2, the only format Osprey writes. */
    private static ProduceRequest checkedVersion(final ProduceRequest request, final short version)
    {
        if (version < 3)
        {
            throw new UnsupportedVersionException("The broker supports only Produce v" + version + " or older; Osprey's producer needs "
                + "v3 or newer (record batch format v2)");
        }
        return request;
    }

    private void onProduceResponse(final int nodeId, final Map<TopicPartition, ProducerBatch> batches, final short version,
        final ProtocolReader body)
    {
        inFlightRequests--;
        final long nowMs = client.clock().nowMs();
        if (body == null)
        {
            // acks=0: written to the socket is all the broker will ever confirm.
            for (final ProducerBatch batch : batches.values())
            {
                gate.onCompleted(batch);
                succeed(batch, RecordMetadata.UNKNOWN, RecordMetadata.UNKNOWN);
            }
            return;
        }
        final ProduceResponse response;
        try
        {
            response = ProduceResponse.read(body, version);
        }
        catch (final RuntimeException e)
        {
            failAttempt(batches, new OspreyException(ErrorCode.NETWORK_EXCEPTION, "Malformed Produce v" + version + " response from node "
                + nodeId + ": " + e, e), nowMs);
            return;
        }
        for (final ProduceResponse.TopicResponse topic : response.responses())
        {
            for (final ProduceResponse.PartitionResponse partition : topic.partitionResponses())
            {
                final ProducerBatch batch = batches.remove(new TopicPartition(topic.name(), partition.index()));
                if (batch != null)
                {
                    onPartitionResponse(batch, partition, nowMs);
                }
            }
        }
        if (!batches.isEmpty())
        {
            failAttempt(batches, new OspreyException(ErrorCode.NETWORK_EXCEPTION, "The Produce response from node " + nodeId
                + " did not mention " + batches.keySet()), nowMs);
        }
    }

    private void onProduceFailure(final int nodeId, final Map<TopicPartition, ProducerBatch> batches, final OspreyException failure)
    {
        inFlightRequests--;
        if (failure.retriable())
        {
            // The leader may have moved: that is the usual reason a connection to it fails.
            metadata.requestUpdate();
        }
        failAttempt(batches, failure, client.clock().nowMs());
    }

    /** An attempt ended without a per-partition answer: each batch is retried or failed on its own. */
    private void failAttempt(final Map<TopicPartition, ProducerBatch> batches, final OspreyException failure, final long nowMs)
    {
        // A request that failed without an answer may have been appended all the same.
        final boolean unknownOutcome = !(failure instanceof UnsupportedVersionException);
        for (final ProducerBatch batch : batches.values())
        {
            gate.onCompleted(batch);
            if (failure.retriable())
            {
                retry(batch, failure, unknownOutcome, nowMs);
            }
            else
            {
                fail(batch, failure);
            }
        }
    }

    private void onPartitionResponse(final ProducerBatch batch, final ProduceResponse.PartitionResponse response, final long nowMs)
    {
        gate.onCompleted(batch);
        final ErrorCode error = ErrorCode.forCode(response.errorCode());
        switch (error)
        {
            case NONE:
                succeed(batch, response.baseOffset(), response.logAppendTimeMs());
                return;
            case DUPLICATE_SEQUENCE_NUMBER:
                // The broker has it but no longer knows its offset; success, offset unknown (as Kafka).
                succeed(batch, RecordMetadata.UNKNOWN, RecordMetadata.UNKNOWN);
                return;
            default:
                break;
        }
        final OspreyException exception = brokerException(batch, error, response);
        if (sequencer != null && (error == ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER || error == ErrorCode.UNKNOWN_PRODUCER_ID))
        {
            sequencer.onSequenceError(batch, error);
            retry(batch, exception, false, nowMs);
            return;
        }
        if (invalidatesMetadata(error))
        {
            metadata.requestUpdate();
        }
        if (error.retriable)
        {
            // An acks=all timeout or too few replicas after the append: the leader has it, the ISR may not.
            final boolean unknownOutcome = error == ErrorCode.REQUEST_TIMED_OUT || error == ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND;
            retry(batch, exception, unknownOutcome, nowMs);
        }
        else
        {
            fail(batch, exception);
        }
    }

    private static boolean invalidatesMetadata(final ErrorCode error)
    {
        switch (error)
        {
            case NOT_LEADER_OR_FOLLOWER:
            case UNKNOWN_TOPIC_OR_PARTITION:
            case LEADER_NOT_AVAILABLE:
            case FENCED_LEADER_EPOCH:
            case UNKNOWN_LEADER_EPOCH:
            case KAFKA_STORAGE_ERROR:
            case NETWORK_EXCEPTION:
            case UNKNOWN_TOPIC_ID:
            case INCONSISTENT_TOPIC_ID:
                return true;
            default:
                return false;
        }
    }

    /** The broker's own message when it sent one (record errors appended), else a sentence naming the partition. */
    private static OspreyException brokerException(final ProducerBatch batch, final ErrorCode error,
        final ProduceResponse.PartitionResponse response)
    {
        final String brokerMessage = response.errorMessage();
        final StringBuilder message = new StringBuilder();
        if (brokerMessage != null && !brokerMessage.isEmpty())
        {
            message.append(brokerMessage);
        }
        else
        {
            message.append("Produce to ").append(batch.partition).append(" failed: ")
                .append(Errors.forCode(response.errorCode(), null).getMessage());
        }
        for (final ProduceResponse.RecordError recordError : response.recordErrors())
        {
            message.append("; record ").append(recordError.batchIndex()).append(": ").append(recordError.batchIndexErrorMessage());
        }
        return Errors.forCode(error, message.toString());
    }

    // ---- Settling batches ----------------------------------------------------------------------------

    private void succeed(final ProducerBatch batch, final long baseOffset, final long logAppendTimeMs)
    {
        if (sequencer != null)
        {
            sequencer.onAcknowledged(batch);
        }
        accumulator.complete(batch, baseOffset, logAppendTimeMs, null);
    }

    private void retry(final ProducerBatch batch, final RuntimeException error, final boolean unknownOutcome, final long nowMs)
    {
        if (unknownOutcome)
        {
            batch.possiblyWritten = true;
        }
        batch.lastError = error;
        if (forceClose || clientClosed)
        {
            fail(batch, error);
            return;
        }
        if (nowMs - batch.createdMs >= settings.deliveryTimeoutMs())
        {
            fail(batch, expiry(batch, nowMs));
            return;
        }
        if (batch.attempts >= settings.retries())
        {
            fail(batch, error);
            return;
        }
        batch.attempts++;
        final long backoffMs = retryBackoff.backoffMs(batch.attempts - 1, random);
        batch.retryAtMs = nowMs + backoffMs;
        LOG.debug("Retrying {} in {} ms (attempt {}): {}", batch, backoffMs, batch.attempts, error.getMessage());
        accumulator.reenqueue(batch);
    }

    private void fail(final ProducerBatch batch, final RuntimeException error)
    {
        if (sequencer != null)
        {
            sequencer.onFailed(batch);
        }
        accumulator.complete(batch, RecordMetadata.UNKNOWN, RecordMetadata.UNKNOWN, error);
    }

    private ProducerTimeoutException expiry(final ProducerBatch batch, final long nowMs)
    {
        final String message = "Expiring " + batch.recordCount() + " record(s) for " + batch.partition + ": " + (nowMs - batch.createdMs)
            + " ms has passed since batch creation (delivery.timeout.ms=" + settings.deliveryTimeoutMs() + ")"
            + (batch.possiblyWritten ? "; an earlier attempt ended without an answer, so the records may have been written" : "")
            + (batch.lastError != null ? "; last error: " + batch.lastError.getMessage() : "");
        return new ProducerTimeoutException(message, batch.lastError);
    }
}
