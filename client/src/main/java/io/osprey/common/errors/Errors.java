package io.osprey.common.errors;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;

/**
 * Turns an error code from a response into the exception a client surfaces. The broker's own
 * message is kept whenever it sent one, because it names the topic, the epoch or the limit
 * that the code alone does not; a default sentence is used only when the response has no
 * message field or left it null.
 * <p>
 * Thread-safe (stateless).
 */
public final class Errors
{
    private Errors()
    {
    }

    /**
     * The exception for a wire error code, or {@code null} for NONE (0) so callers can write
     * {@code if ((e = Errors.forCode(code, msg)) != null)}.
     *
     * @param code          the error code as read from the wire, known to Osprey or not
     * @param brokerMessage the response's error message field, or {@code null}
     */
    public static OspreyException forCode(final int code, final String brokerMessage)
    {
        if (code == 0)
        {
            return null;
        }
        final ErrorCode error = ErrorCode.forCode(code);
        String message = brokerMessage == null || brokerMessage.isEmpty() ? defaultMessage(error) : brokerMessage;
        if (error == ErrorCode.UNKNOWN_SERVER_ERROR && code != ErrorCode.UNKNOWN_SERVER_ERROR.code)
        {
            // The code is newer than this client: keep the number, it is all the user can search for.
            message = "Broker error code " + code + " (unknown to this client): " + message;
        }
        return forCode(error, message);
    }

    /** The exception for a known error code with a message; {@code null} for NONE. */
    public static OspreyException forCode(final ErrorCode error, final String message)
    {
        switch (error)
        {
            case NONE:
                return null;
            case NETWORK_EXCEPTION:
                return new DisconnectException(message);
            case REQUEST_TIMED_OUT:
                return new RequestTimeoutException(message);
            case UNSUPPORTED_VERSION:
                return new UnsupportedVersionException(message);
            default:
                return new OspreyException(error, message);
        }
    }

    /** Throws {@link #forCode(int, String)} unless the code is NONE. */
    public static void maybeThrow(final int code, final String brokerMessage)
    {
        final OspreyException e = forCode(code, brokerMessage);
        if (e != null)
        {
            throw e;
        }
    }

    /** A sentence for responses that carry no message: the code's name, spelled for a reader. */
    static String defaultMessage(final ErrorCode error)
    {
        return "The broker returned " + error.name() + " (error code " + error.code + ")"
            + (error.retriable ? "; the operation may succeed if retried" : "");
    }
}
