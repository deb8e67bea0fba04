package io.osprey.controller.quorum;

import io.osprey.controller.Command;
import io.osprey.controller.MetadataRecord;
import io.osprey.controller.Response;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import java.util.Collection;

/**
 * Encodes the quorum's messages into one reusable buffer: each method writes a message at
 * offset 0 of {@link #buffer()} and returns its length, valid until the next call.
 * <p>
 * Every message starts with a one-byte type:
 * <pre>
 *   ingress  COMMAND(1)        command
 *            SUBSCRIBE(2)      int64 fromOffset
 *   egress   RESPONSE(11)      int64 sequence, response
 *            RECORD(12)        int64 offset, record
 *            IMAGE_BEGIN(13)   int64 lastAppliedOffset, int64 nextProducerId, int32 recordCount
 *            IMAGE_RECORD(14)  record
 *            IMAGE_END(15)     int64 lastAppliedOffset
 *   snapshot SNAPSHOT_BEGIN(21) int32 version, int64 leaseTimerDeadlineMs, int32 count, int64 sessionId...
 *            then IMAGE_BEGIN, IMAGE_RECORD..., IMAGE_END
 * </pre>
 * <p>
 * Not thread-safe: one encoder per thread.
 */
final class MessageEncoder
{
    static final byte COMMAND = 1;
    static final byte SUBSCRIBE = 2;
    static final byte RESPONSE = 11;
    static final byte RECORD = 12;
    static final byte IMAGE_BEGIN = 13;
    static final byte IMAGE_RECORD = 14;
    static final byte IMAGE_END = 15;
    static final byte SNAPSHOT_BEGIN = 21;

    /** Bumped when the snapshot layout changes; a node refuses a snapshot of another version. */
    static final int SNAPSHOT_VERSION = 1;

    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(1024);
    private final WireWriter writer = new WireWriter();

    DirectBuffer buffer()
    {
        return buffer;
    }

    /** A command under this client's identity, whatever the command's own clientId and sequence. */
    int command(final Command command, final String clientId, final long sequence)
    {
        ControllerCodec.encodeCommand(start(COMMAND), command, clientId, sequence);
        return writer.position();
    }

    int subscribe(final long fromOffset)
    {
        return start(SUBSCRIBE).putLong(fromOffset).position();
    }

    int response(final long sequence, final Response response)
    {
        ControllerCodec.encodeResponse(start(RESPONSE).putLong(sequence), response);
        return writer.position();
    }

    int record(final long offset, final MetadataRecord record)
    {
        ControllerCodec.encodeRecord(start(RECORD).putLong(offset), record);
        return writer.position();
    }

    int imageBegin(final long lastAppliedOffset, final long nextProducerId, final int recordCount)
    {
        return start(IMAGE_BEGIN).putLong(lastAppliedOffset).putLong(nextProducerId).putInt(recordCount).position();
    }

    int imageRecord(final MetadataRecord record)
    {
        ControllerCodec.encodeRecord(start(IMAGE_RECORD), record);
        return writer.position();
    }

    int imageEnd(final long lastAppliedOffset)
    {
        return start(IMAGE_END).putLong(lastAppliedOffset).position();
    }

    int snapshotBegin(final long leaseTimerDeadlineMs, final Collection<Long> subscriberSessionIds)
    {
        start(SNAPSHOT_BEGIN).putInt(SNAPSHOT_VERSION).putLong(leaseTimerDeadlineMs).putInt(subscriberSessionIds.size());
        for (final long id : subscriberSessionIds)
        {
            writer.putLong(id);
        }
        return writer.position();
    }

    private WireWriter start(final byte type)
    {
        return writer.wrap(buffer, 0).putByte(type);
    }
}
