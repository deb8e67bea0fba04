package io.osprey.common.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.osprey.common.ErrorCode;
import io.osprey.common.OspreyException;

class ErrorsTest
{
    @Test
    void shouldKeepTheBrokersMessageAndTheCode()
    {
        final OspreyException e = Errors.forCode(ErrorCode.NOT_LEADER_OR_FOLLOWER.code, "Leader for orders-0 moved to node 3");

        assertThat(e).hasMessage("Leader for orders-0 moved to node 3");
        assertThat(e.errorCode()).isEqualTo(ErrorCode.NOT_LEADER_OR_FOLLOWER);
        assertThat(e.retriable()).isTrue();
    }

    @Test
    void shouldExplainACodeWhenTheBrokerSentNoMessage()
    {
        assertThat(Errors.forCode(ErrorCode.TOPIC_ALREADY_EXISTS.code, null))
            .hasMessage("The broker returned TOPIC_ALREADY_EXISTS (error code 36)")
            .satisfies(e -> assertThat(e.retriable()).isFalse());
        assertThat(Errors.forCode(ErrorCode.LEADER_NOT_AVAILABLE.code, "")).hasMessageContaining("may succeed if retried");
    }

    @Test
    void shouldKeepTheNumberOfACodeThisClientDoesNotKnow()
    {
        assertThat(Errors.forCode(9999, "from the future")).hasMessage("Broker error code 9999 (unknown to this client): from the future")
            .satisfies(e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.UNKNOWN_SERVER_ERROR));
    }

    @Test
    void shouldUseTheTypedExceptionsForNetworkTimeoutAndVersionErrors()
    {
        assertThat(Errors.forCode(0, "ignored")).isNull();
        assertThat(Errors.forCode(ErrorCode.NETWORK_EXCEPTION.code, "x")).isInstanceOf(DisconnectException.class);
        assertThat(Errors.forCode(ErrorCode.REQUEST_TIMED_OUT.code, "x")).isInstanceOf(RequestTimeoutException.class);
        assertThat(Errors.forCode(ErrorCode.UNSUPPORTED_VERSION.code, "x")).isInstanceOf(UnsupportedVersionException.class);
        assertThatThrownBy(() -> Errors.maybeThrow(ErrorCode.INVALID_TOPIC_EXCEPTION.code, "Topic name 'a/b' is illegal"))
            .isInstanceOf(OspreyException.class).hasMessage("Topic name 'a/b' is illegal");
    }
}
