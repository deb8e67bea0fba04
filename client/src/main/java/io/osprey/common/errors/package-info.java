/**
 * Exceptions that clients surface to their callers, each an {@link io.osprey.common.OspreyException}
 * carrying the {@link io.osprey.common.ErrorCode} and, for errors the broker sent, the broker's own
 * message. {@link io.osprey.common.errors.Errors} maps wire error codes to them.
 */
package io.osprey.common.errors;
