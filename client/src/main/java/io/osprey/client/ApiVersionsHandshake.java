package io.osprey.client;

import java.nio.ByteBuffer;

import io.osprey.common.ErrorCode;
import io.osprey.common.errors.Errors;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.message.ApiVersionsRequest;
import io.osprey.protocol.message.ApiVersionsResponse;

/**
 * The decisions of the ApiVersions exchange that opens every connection, apart from the I/O:
 * what to send first and what a response means. Deterministic and stateless, so the retry
 * rule is tested without sockets.
 * <p>
 * The client first sends the newest ApiVersions version it knows. A broker that does not know
 * that version answers UNSUPPORTED_VERSION in the v0 layout (whatever version was asked, as
 * Kafka brokers since 2.4 do) listing its own ApiVersions range; the client then retries with
 * the highest version both know, always lower than the last try so a confused broker cannot
 * make it loop. Any other error ends the connection.
 */
final class ApiVersionsHandshake
{
    private ApiVersionsHandshake()
    {
    }

    /** What to do after an ApiVersions response: exactly one field is set. */
    record Step(NodeApiVersions ready, short retryVersion, String failure)
    {
        static Step ready(final NodeApiVersions versions)
        {
            return new Step(versions, (short)-1, null);
        }

        static Step retry(final short version)
        {
            return new Step(null, version, null);
        }

        static Step fail(final String reason)
        {
            return new Step(null, (short)-1, reason);
        }
    }

    /** The version of the first try. */
    static short firstVersion()
    {
        return ApiKey.API_VERSIONS.latest;
    }

    /** The request body; the same at every version (v3+ adds the software name and version). */
    static RequestBuilder request(final String softwareVersion)
    {
        final ApiVersionsRequest request = new ApiVersionsRequest(ClientLimits.CLIENT_SOFTWARE_NAME, softwareVersion);
        return version -> request;
    }

    /**
     * Interprets a response body (positioned after its v0 header) to a request sent at {@code sentVersion}.
     *
     * @throws io.osprey.protocol.ProtocolException when the body does not decode
     */
    static Step onResponse(final short sentVersion, final ByteBuffer body)
    {
        final short error = body.remaining() >= 2 ? body.getShort(body.position()) : ErrorCode.NONE.code;
        if (error == ErrorCode.UNSUPPORTED_VERSION.code && sentVersion > 0)
        {
            final ApiVersionsResponse v0 = ApiVersionsResponse.read(new ProtocolReader(body, false), (short)0);
            int brokerMax = 0;
            for (final ApiVersionsResponse.ApiVersion v : v0.apiKeys())
            {
                if (v.apiKey() == ApiKey.API_VERSIONS.id)
                {
                    brokerMax = v.maxVersion();
                }
            }
            return Step.retry((short)Math.max(0, Math.min(Math.min(brokerMax, ApiKey.API_VERSIONS.latest), sentVersion - 1)));
        }
        final ApiVersionsResponse response = ApiVersionsResponse.read(
            new ProtocolReader(body, ApiKey.API_VERSIONS.isFlexible(sentVersion)), sentVersion);
        if (response.errorCode() != ErrorCode.NONE.code)
        {
            return Step.fail("ApiVersions v" + sentVersion + " failed: " + Errors.forCode(response.errorCode(), null).getMessage());
        }
        return Step.ready(NodeApiVersions.from(response));
    }
}
