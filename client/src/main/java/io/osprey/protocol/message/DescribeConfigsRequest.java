package io.osprey.protocol.message;

import java.util.List;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * DescribeConfigs request (key 32), v1-4, flexible from v4:
 * {@code resources [resourceType int8, resourceName string, configurationKeys nullable [string]],
 * includeSynonyms bool (v1+), includeDocumentation bool (v3+)}. Null configurationKeys asks
 * for every config of the resource.
 */
public record DescribeConfigsRequest(List<DescribeConfigsResource> resources, boolean includeSynonyms,
    boolean includeDocumentation) implements Message
{
    /** One resource (2 = topic, 4 = broker, 8 = broker logger) and the keys asked for. */
    public record DescribeConfigsResource(byte resourceType, String resourceName, List<String> configurationKeys)
    {
        public static DescribeConfigsResource read(final ProtocolReader r, final short version)
        {
            final byte resourceType = r.readByte();
            final String resourceName = r.readString();
            final List<String> configurationKeys = ArrayFields.readNullable(r, ProtocolReader::readString);
            r.skipTaggedFields();
            return new DescribeConfigsResource(resourceType, resourceName, configurationKeys);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeByte(resourceType);
            w.writeString(resourceName);
            ArrayFields.writeNullable(w, configurationKeys, ProtocolWriter::writeString);
            w.writeEmptyTaggedFields();
        }
    }

    public static DescribeConfigsRequest read(final ProtocolReader r, final short version)
    {
        final List<DescribeConfigsResource> resources = ArrayFields.read(r, e -> DescribeConfigsResource.read(e, version));
        final boolean includeSynonyms = version >= 1 && r.readBoolean();
        final boolean includeDocumentation = version >= 3 && r.readBoolean();
        r.skipTaggedFields();
        return new DescribeConfigsRequest(resources, includeSynonyms, includeDocumentation);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        ArrayFields.write(w, resources, (o, res) -> res.write(o, version));
        if (version >= 1)
        {
            w.writeBoolean(includeSynonyms);
        }
        if (version >= 3)
        {
            w.writeBoolean(includeDocumentation);
        }
        w.writeEmptyTaggedFields();
    }
}
