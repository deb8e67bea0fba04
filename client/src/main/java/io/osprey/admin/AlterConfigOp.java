package io.osprey.admin;

import java.util.Objects;

/**
 * One change to one config key in {@link Admin#incrementalAlterConfigs}: set it, delete it
 * (back to its default), or append to / subtract from a list value. Immutable.
 */
public record AlterConfigOp(ConfigEntry configEntry, OpType opType)
{
    /** The operations, with their IncrementalAlterConfigs wire ids. */
    public enum OpType
    {
        /** Set the value. */
        SET(0),
        /** Remove the override, so the default applies again. */
        DELETE(1),
        /** Add the comma-separated items to a list value (items already present are kept once). */
        APPEND(2),
        /** Remove the comma-separated items from a list value. */
        SUBTRACT(3);

        private final byte id;

        OpType(final int id)
        {
            this.id = (byte)id;
        }

        public byte id()
        {
            return id;
        }

        /** The operation for a wire id. */
        public static OpType forId(final byte id)
        {
            for (final OpType t : values())
            {
                if (t.id == id)
                {
                    return t;
                }
            }
            throw new IllegalArgumentException("Unknown config operation id " + id
                + ": expected 0 (SET), 1 (DELETE), 2 (APPEND) or 3 (SUBTRACT)");
        }
    }

    public AlterConfigOp
    {
        Objects.requireNonNull(configEntry, "configEntry");
        Objects.requireNonNull(opType, "opType");
    }
}
