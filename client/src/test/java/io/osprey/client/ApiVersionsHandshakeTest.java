package io.osprey.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.osprey.common.ErrorCode;
import io.osprey.protocol.ApiKey;
import io.osprey.protocol.ProtocolWriter;
import io.osprey.protocol.message.ApiVersionsResponse;
import io.osprey.protocol.message.ApiVersionsResponse.ApiVersion;

class ApiVersionsHandshakeTest
{
    @Test
    void shouldStartWithTheNewestVersionTheCodecKnows()
    {
        assertThat(ApiVersionsHandshake.firstVersion()).isEqualTo(ApiKey.API_VERSIONS.latest);
    }

    @Test
    void shouldRetryAtTheBrokersHighestApiVersionsVersion()
    {
        final ApiVersionsHandshake.Step step = ApiVersionsHandshake.onResponse((short)4, unsupported(List.of(
            new ApiVersion(ApiKey.METADATA.id, (short)0, (short)9), new ApiVersion(ApiKey.API_VERSIONS.id, (short)0, (short)2))));

        assertThat(step.retryVersion()).isEqualTo((short)2);
        assertThat(step.ready()).isNull();
        assertThat(step.failure()).isNull();
    }

    @Test
    void shouldAlwaysRetryLowerEvenWhenTheBrokerClaimsTheVersionItRefused()
    {
        assertThat(ApiVersionsHandshake.onResponse((short)3, unsupported(List.of(new ApiVersion(ApiKey.API_VERSIONS.id, (short)0, (short)9))))
            .retryVersion()).isEqualTo((short)2);
        assertThat(ApiVersionsHandshake.onResponse((short)3, unsupported(List.of())).retryVersion())
            .as("no ApiVersions entry: v0, which every broker takes").isEqualTo((short)0);
    }

    @Test
    void shouldFailWhenEvenV0IsRefusedOrAnotherErrorComes()
    {
        assertThat(ApiVersionsHandshake.onResponse((short)0, unsupported(List.of())).failure()).contains("UNSUPPORTED_VERSION");
        assertThat(ApiVersionsHandshake.onResponse((short)1, body((short)1, new ApiVersionsResponse(ErrorCode.INVALID_REQUEST.code,
            List.of(), 0))).failure()).contains("ApiVersions v1 failed").contains("INVALID_REQUEST");
    }

    @Test
    void shouldBeReadyWithTheAdvertisedRangesOnSuccess()
    {
        for (short version = 0; version <= ApiKey.API_VERSIONS.latest; version++)
        {
            final ApiVersionsHandshake.Step step = ApiVersionsHandshake.onResponse(version, body(version, new ApiVersionsResponse(
                ErrorCode.NONE.code, List.of(new ApiVersion(ApiKey.METADATA.id, (short)1, (short)8)), 0)));

            assertThat(step.ready().latestUsableVersion(ApiKey.METADATA, Short.MAX_VALUE)).as("v%d", version).isEqualTo((short)8);
            assertThat(step.ready().latestUsableVersion(ApiKey.FETCH, Short.MAX_VALUE)).isEqualTo(NodeApiVersions.NO_VERSION);
        }
    }

    private static ByteBuffer unsupported(final List<ApiVersion> keys)
    {
        return body((short)0, new ApiVersionsResponse(ErrorCode.UNSUPPORTED_VERSION.code, keys, 0));
    }

    private static ByteBuffer body(final short version, final ApiVersionsResponse response)
    {
        final ProtocolWriter w = new ProtocolWriter().flexible(ApiKey.API_VERSIONS.isFlexible(version));
        response.write(w, version);
        return w.toByteBuffer();
    }
}
