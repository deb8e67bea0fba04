package io.osprey.client;

import io.osprey.protocol.Message;

/**
 * Builds a request body once its version is known. {@link NetworkClient} picks the version
 * only when the request is about to be written (after ApiVersions with that broker), and some
 * bodies differ by version (Fetch names topics by id from v13, Metadata asks for all topics
 * with an empty list in v0 and a null one after), so a request may be given as a builder.
 * Called on the I/O thread; may throw {@link io.osprey.common.errors.UnsupportedVersionException}
 * to refuse a version it cannot express, which fails the request.
 */
@FunctionalInterface
public interface RequestBuilder
{
    Message build(short version);
}
