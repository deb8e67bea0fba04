package io.osprey.config;

/**
 * The content of a log directory's {@code meta.properties}, in Kafka's version 1 layout.
 *
 * @param version     always 1 (version 0 was ZooKeeper-era Kafka's, with broker.id)
 * @param clusterId   the cluster the directory belongs to
 * @param nodeId      the node the directory belongs to
 * @param directoryId this directory's own id (22-character base64url UUID); {@code null} in files
 *                    written before Kafka added it
 */
public record MetaProperties(int version, String clusterId, int nodeId, String directoryId)
{
}
