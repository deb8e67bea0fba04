package io.osprey.controller;

import java.util.Objects;

/**
 * The last command seen from one client: its sequence and the response it got, so a resend
 * after a controller failover is answered from here instead of being applied twice.
 */
public record ClientSession(long sequence, Response response)
{
    public ClientSession
    {
        Objects.requireNonNull(response, "response");
    }
}
