package io.osprey.chaos;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The record values of the workload and their compact form. On the wire a value is the text
 * {@code p<producer>-<sequence>} padded with dots to the record size, so {@code dump-log
 * --print-records} shows it. In the checker's tables it is one long: {@code (producer + 1) << 40
 * | sequence}, which is never 0 or negative, so {@link #NONE} (-1) can mark an empty slot and
 * {@link #UNREADABLE} (-2) a value the workload did not write.
 */
final class Values
{
    static final long NONE = -1L;
    static final long UNREADABLE = -2L;
    /** 2^40 records per producer: far beyond any run, and 2^23 producers fit above them. */
    private static final int SEQUENCE_BITS = 40;
    private static final long SEQUENCE_MASK = (1L << SEQUENCE_BITS) - 1;
    private static final byte PAD = '.';

    private Values()
    {
    }

    static long encode(final int producer, final long sequence)
    {
        return ((long)(producer + 1) << SEQUENCE_BITS) | sequence;
    }

    static int producer(final long value)
    {
        return (int)(value >>> SEQUENCE_BITS) - 1;
    }

    static long sequence(final long value)
    {
        return value & SEQUENCE_MASK;
    }

    static String describe(final long value)
    {
        if (value == NONE)
        {
            return "nothing";
        }
        return value == UNREADABLE ? "an unreadable value" : "p" + producer(value) + "-" + sequence(value);
    }

    static byte[] toBytes(final int producer, final long sequence, final int sizeMin)
    {
        final byte[] text = ("p" + producer + "-" + sequence).getBytes(StandardCharsets.US_ASCII);
        if (text.length >= sizeMin)
        {
            return text;
        }
        final byte[] padded = Arrays.copyOf(text, sizeMin);
        Arrays.fill(padded, text.length, sizeMin, PAD);
        return padded;
    }

    /** The compact form of a value read back, or {@link #UNREADABLE}. */
    static long parse(final byte[] bytes)
    {
        if (bytes == null || bytes.length < 4 || bytes[0] != 'p')
        {
            return UNREADABLE;
        }
        int i = 1;
        long producer = 0;
        final int producerStart = i;
        while (i < bytes.length && bytes[i] >= '0' && bytes[i] <= '9' && i - producerStart < 7)
        {
            producer = producer * 10 + (bytes[i++] - '0');
        }
        if (i == producerStart || i >= bytes.length || bytes[i] != '-')
        {
            return UNREADABLE;
        }
        i++;
        long sequence = 0;
        final int sequenceStart = i;
        while (i < bytes.length && bytes[i] >= '0' && bytes[i] <= '9' && i - sequenceStart < 12)
        {
            sequence = sequence * 10 + (bytes[i++] - '0');
        }
        if (i == sequenceStart || sequence > SEQUENCE_MASK)
        {
            return UNREADABLE;
        }
        for (; i < bytes.length; i++)
        {
            if (bytes[i] != PAD)
            {
                return UNREADABLE;
            }
        }
        return encode((int)producer, sequence);
    }
}
