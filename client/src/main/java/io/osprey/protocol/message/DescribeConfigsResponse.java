package io.osprey.protocol.message;

import java.util.List;

import io.osprey.protocol.Message;
import io.osprey.protocol.ProtocolReader;
import io.osprey.protocol.ProtocolWriter;

/**
 * DescribeConfigs response (key 32), v1-4, flexible from v4:
 * {@code throttleTimeMs int32, results [errorCode int16, errorMessage nullable string,
 * resourceType int8, resourceName string, configs [name string, value nullable string,
 * readOnly bool, configSource int8 (v1+), isSensitive bool,
 * synonyms [name string, value nullable string, source int8] (v1+), configType int8 (v3+),
 * documentation nullable string (v3+)]]}. Absent fields read as the schema defaults:
 * configSource -1, synonyms empty, configType 0, documentation "".
 */
public record DescribeConfigsResponse(int throttleTimeMs, List<DescribeConfigsResult> results) implements Message
{
    /** The configs of one resource, or its error. */
    public record DescribeConfigsResult(short errorCode, String errorMessage, byte resourceType, String resourceName,
        List<DescribeConfigsResourceResult> configs)
    {
        public static DescribeConfigsResult read(final ProtocolReader r, final short version)
        {
            final short errorCode = r.readShort();
            final String errorMessage = r.readNullableString();
            final byte resourceType = r.readByte();
            final String resourceName = r.readString();
            final List<DescribeConfigsResourceResult> configs = ArrayFields.read(r, e -> DescribeConfigsResourceResult.read(e, version));
            r.skipTaggedFields();
            return new DescribeConfigsResult(errorCode, errorMessage, resourceType, resourceName, configs);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeShort(errorCode);
            w.writeNullableString(errorMessage);
            w.writeByte(resourceType);
            w.writeString(resourceName);
            ArrayFields.write(w, configs, (o, c) -> c.write(o, version));
            w.writeEmptyTaggedFields();
        }
    }

    /** One config entry. */
    public record DescribeConfigsResourceResult(String name, String value, boolean readOnly, byte configSource,
        boolean isSensitive, List<DescribeConfigsSynonym> synonyms, byte configType, String documentation)
    {
        public static DescribeConfigsResourceResult read(final ProtocolReader r, final short version)
        {
            final String name = r.readString();
            final String value = r.readNullableString();
            final boolean readOnly = r.readBoolean();
            final byte configSource = version >= 1 ? r.readByte() : -1;
            final boolean isSensitive = r.readBoolean();
            final List<DescribeConfigsSynonym> synonyms = version >= 1
                ? ArrayFields.read(r, e -> DescribeConfigsSynonym.read(e, version))
                : List.of();
            byte configType = 0;
            String documentation = "";
            if (version >= 3)
            {
                configType = r.readByte();
                documentation = r.readNullableString();
            }
            r.skipTaggedFields();
            return new DescribeConfigsResourceResult(name, value, readOnly, configSource, isSensitive, synonyms, configType,
                documentation);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeString(name);
            w.writeNullableString(value);
            w.writeBoolean(readOnly);
            if (version >= 1)
            {
                w.writeByte(configSource);
            }
            w.writeBoolean(isSensitive);
            if (version >= 1)
            {
                ArrayFields.write(w, synonyms, (o, s) -> s.write(o, version));
            }
            if (version >= 3)
            {
                w.writeByte(configType);
                w.writeNullableString(documentation);
            }
            w.writeEmptyTaggedFields();
        }
    }

    /** A config source that sets or defaults the same config, most specific first. */
    public record DescribeConfigsSynonym(String name, String value, byte source)
    {
        public static DescribeConfigsSynonym read(final ProtocolReader r, final short version)
        {
            final String name = r.readString();
            final String value = r.readNullableString();
            final byte source = r.readByte();
            r.skipTaggedFields();
            return new DescribeConfigsSynonym(name, value, source);
        }

        public void write(final ProtocolWriter w, final short version)
        {
            w.writeString(name);
            w.writeNullableString(value);
            w.writeByte(source);
            w.writeEmptyTaggedFields();
        }
    }

    public static DescribeConfigsResponse read(final ProtocolReader r, final short version)
    {
        final int throttleTimeMs = r.readInt();
        final List<DescribeConfigsResult> results = ArrayFields.read(r, e -> DescribeConfigsResult.read(e, version));
        r.skipTaggedFields();
        return new DescribeConfigsResponse(throttleTimeMs, results);
    }

    @Override
    public void write(final ProtocolWriter w, final short version)
    {
        w.writeInt(throttleTimeMs);
        ArrayFields.write(w, results, (o, res) -> res.write(o, version));
        w.writeEmptyTaggedFields();
    }
}
