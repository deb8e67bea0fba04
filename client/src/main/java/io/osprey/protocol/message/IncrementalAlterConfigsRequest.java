package io.osprey.protocol.message;

import java.util.List;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * IncrementalAlterConfigs request (key 44), v0-1, flexible from v1:
 * {@code resources [resourceType int8, resourceName string,
 * configs [name string, configOperation int8, value nullable string]], validateOnly bool}.
 * configOperation: 0 = set, 1 = delete, 2 = append, 3 = subtract.
 */
public record IncrementalAlterConfigsRequest(List<AlterConfigsResource> resources, boolean validateOnly) implements Message
{
    /** The changes to one resource. */
    public record AlterConfigsResource(byte resourceType, String resourceName, List<AlterableConfig> configs)
    {
        public static AlterConfigsResource read(final ProtocolReader r, final short version)
        {
            final byte resourceType = r.readByte();
            final String resourceName = r.readString();
            final List<AlterableConfig> configs = ArrayFields.read(r, e -> AlterableConfig.read(e, version));
            r.skipTaggedFields();
            return new AlterConfigsResource(resourceType, resourceName, configs);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeByte(resourceType);
            w.writeString(resourceName);
            ArrayFields.write(w, configs, (o, c) -> c.write(o, version));
            w.writeEmptyTaggedFields();
        }
    }

    /** One change to one config key. */
    public record AlterableConfig(String name, byte configOperation, String value)
    {
        public static AlterableConfig read(final ProtocolReader r, final short version)
        {
            final String name = r.readString();
            final byte configOperation = r.readByte();
            final String value = r.readNullableString();
            r.skipTaggedFields();
            return new AlterableConfig(name, configOperation, value);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeString(name);
            w.writeByte(configOperation);
            w.writeNullableString(value);
            w.writeEmptyTaggedFields();
        }
    }

    public static IncrementalAlterConfigsRequest read(final ProtocolReader r, final short version)
    {
        final List<AlterConfigsResource> resources = ArrayFields.read(r, e -> AlterConfigsResource.read(e, version));
        final boolean validateOnly = r.readBoolean();
        r.skipTaggedFields();
        return new IncrementalAlterConfigsRequest(resources, validateOnly);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        ArrayFields.write(w, resources, (o, res) -> res.write(o, version));
        w.writeBoolean(validateOnly);
        w.writeEmptyTaggedFields();
    }
}
