package io.osprey.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class VarintTest
{
    @Test
    void signedVarintEdgeValuesRoundTripWithExpectedSizes()
    {
        checkVarint(0, 1);
        checkVarint(-1, 1);
        checkVarint(1, 1);
        checkVarint(63, 1);
        checkVarint(-64, 1);
        checkVarint(64, 2);
        checkVarint(-65, 2);
        checkVarint(Integer.MAX_VALUE, 5);
        checkVarint(Integer.MIN_VALUE, 5);
    }

    @Test
    void signedVarlongEdgeValuesRoundTripWithExpectedSizes()
    {
        checkVarlong(0, 1);
        checkVarlong(-1, 1);
        checkVarlong(64, 2);
        checkVarlong(Integer.MAX_VALUE, 5);
        checkVarlong(Integer.MIN_VALUE, 5);
        checkVarlong(Long.MAX_VALUE, 10);
        checkVarlong(Long.MIN_VALUE, 10);
    }

    @Test
    void unsignedVarintEdgeValues()
    {
        final int[] values = {0, 1, 127, 128, 16_383, 16_384, Integer.MAX_VALUE, -1, Integer.MIN_VALUE};
        final int[] sizes = {1, 1, 1, 2, 2, 3, 5, 5, 5};
        for (int i = 0; i < values.length; i++)
        {
            final ByteBuffer buffer = ByteBuffer.allocate(8);
            Varint.writeUnsignedVarint(buffer, values[i]);
            assertThat(buffer.position()).as("size of %d", values[i]).isEqualTo(sizes[i]);
            assertThat(Varint.sizeOfUnsignedVarint(values[i])).isEqualTo(sizes[i]);
            buffer.flip();
            assertThat(Varint.readUnsignedVarint(buffer)).isEqualTo(values[i]);
            assertThat(Varint.readUnsignedVarint(buffer, 0)).isEqualTo(values[i]);
        }
    }

    @Test
    void knownEncodingsMatchProtobufZigZag()
    {
        final ByteBuffer buffer = ByteBuffer.allocate(8);
        Varint.writeVarint(buffer, -1);
        Varint.writeVarint(buffer, 150);
        assertThat(buffer.flip()).isEqualTo(ByteBuffer.wrap(new byte[] {0x01, (byte)0xAC, 0x02}));
    }

    @Test
    void overlongVarintsAreRejected()
    {
        final ByteBuffer six = ByteBuffer.wrap(new byte[] {(byte)0x80, (byte)0x80, (byte)0x80, (byte)0x80, (byte)0x80, 0x01});
        assertThatThrownBy(() -> Varint.readVarint(six)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Varint.readUnsignedVarint(six, 0)).isInstanceOf(IllegalArgumentException.class);
        final ByteBuffer eleven = ByteBuffer.allocate(11);
        for (int i = 0; i < 10; i++)
        {
            eleven.put(i, (byte)0xFF);
        }
        assertThatThrownBy(() -> Varint.readVarlong(eleven.duplicate())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Varint.readVarlong(eleven, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void truncatedVarintUnderflows()
    {
        final ByteBuffer truncated = ByteBuffer.wrap(new byte[] {(byte)0x80, (byte)0x80});
        assertThatThrownBy(() -> Varint.readVarint(truncated)).isInstanceOf(BufferUnderflowException.class);
    }

    @Property
    void anyIntRoundTrips(@ForAll final int value)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(16);
        final int written = Varint.writeVarint(buffer, 3, value);
        assertThat(written).isEqualTo(Varint.sizeOfVarint(value));
        assertThat(Varint.readVarint(buffer, 3)).isEqualTo(value);
        assertThat(buffer.position()).isZero();
        Varint.writeUnsignedVarint(buffer, value);
        buffer.flip();
        assertThat(buffer.remaining()).isEqualTo(Varint.sizeOfUnsignedVarint(value));
        assertThat(Varint.readUnsignedVarint(buffer)).isEqualTo(value);
    }

    @Property
    void anyLongRoundTrips(@ForAll final long value)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(16);
        Varint.writeVarlong(buffer, value);
        assertThat(buffer.position()).isEqualTo(Varint.sizeOfVarlong(value));
        assertThat(Varint.writeUnsignedVarlong(buffer, 0, value)).isEqualTo(Varint.sizeOfUnsignedVarlong(value));
        assertThat(Varint.readUnsignedVarlong(buffer, 0)).isEqualTo(value);
        Varint.writeVarlong(buffer, 0, value);
        buffer.flip();
        assertThat(Varint.readVarlong(buffer)).isEqualTo(value);
        assertThat(buffer.hasRemaining()).isFalse();
    }

    @Property
    void matchesKafkasEncoding(@ForAll final int i, @ForAll final long l)
    {
        final ByteBuffer ours = ByteBuffer.allocate(32);
        final ByteBuffer kafka = ByteBuffer.allocate(32);
        Varint.writeVarint(ours, i);
        Varint.writeVarlong(ours, l);
        Varint.writeUnsignedVarint(ours, i);
        org.apache.kafka.common.utils.ByteUtils.writeVarint(i, kafka);
        org.apache.kafka.common.utils.ByteUtils.writeVarlong(l, kafka);
        org.apache.kafka.common.utils.ByteUtils.writeUnsignedVarint(i, kafka);
        assertThat(ours.flip()).isEqualTo(kafka.flip());
    }

    private static void checkVarint(final int value, final int size)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(8);
        Varint.writeVarint(buffer, value);
        assertThat(buffer.position()).as("encoded size of %d", value).isEqualTo(size);
        assertThat(Varint.sizeOfVarint(value)).isEqualTo(size);
        buffer.flip();
        assertThat(Varint.readVarint(buffer)).isEqualTo(value);
        assertThat(Varint.readVarint(buffer, 0)).isEqualTo(value);
    }

    private static void checkVarlong(final long value, final int size)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(16);
        Varint.writeVarlong(buffer, value);
        assertThat(buffer.position()).as("encoded size of %d", value).isEqualTo(size);
        assertThat(Varint.sizeOfVarlong(value)).isEqualTo(size);
        buffer.flip();
        assertThat(Varint.readVarlong(buffer)).isEqualTo(value);
        assertThat(Varint.readVarlong(buffer, 0)).isEqualTo(value);
    }
}
