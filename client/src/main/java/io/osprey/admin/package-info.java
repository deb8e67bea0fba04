/**
 * Osprey's admin client: topics, partitions, configs and the cluster, shaped like Kafka's
 * {@code Admin} so that a Kafka user feels at home. {@link io.osprey.admin.Admin#create} starts
 * an {@link io.osprey.admin.OspreyAdmin}; every method returns at once with futures that one
 * background I/O thread completes.
 */
package io.osprey.admin;
