/**
 * The controller's deterministic metadata state machine: commands in, records out, state
 * changed only by replaying records, so the active controller and its standbys (and brokers
 * following the metadata log) run the same {@code replay} and hold equal images.
 * <p>
 * Pure: no sockets, files, threads, clocks or randomness. Time arrives as {@code nowMs}
 * arguments from the caller (cluster time in the Aeron Cluster service); identifiers that
 * would usually be random (topic ids) are derived from the image so every node handling the
 * same command produces the same records. {@code SourceGuardTest} enforces the imports.
 */
package io.osprey.controller;
