package io.osprey.record;

import java.nio.ByteBuffer;

/**
 * UTF-8 length and encoding of header keys straight into a batch buffer, so that appending a
 * record with headers allocates no byte arrays. Matches {@code String.getBytes(UTF_8)} byte for
 * byte, including writing {@code '?'} for an unpaired surrogate. Stateless, so thread-safe.
 */
final class Utf8
{
    private Utf8()
    {
    }

    static int encodedLength(final String s)
    {
        final int chars = s.length();
        int bytes = chars;
        for (int i = 0; i < chars; i++)
        {
            final char c = s.charAt(i);
            if (c >= 0x80)
            {
                if (c < 0x800)
                {
                    bytes += 1;
                }
                else if (Character.isSurrogate(c))
                {
                    if (isPair(s, i))
                    {
                        // Two chars become four bytes.
                        bytes += 2;
                        i++;
                    }
                }
                else
                {
                    bytes += 2;
                }
            }
        }
        return bytes;
    }

    /** Writes {@code s} at {@code index}; returns the number of bytes written. */
    static int write(final ByteBuffer buffer, final int index, final String s)
    {
        final int chars = s.length();
        int p = index;
        for (int i = 0; i < chars; i++)
        {
            final char c = s.charAt(i);
            if (c < 0x80)
            {
                buffer.put(p++, (byte)c);
            }
            else if (c < 0x800)
            {
                buffer.put(p++, (byte)(0xC0 | (c >> 6)));
                buffer.put(p++, (byte)(0x80 | (c & 0x3F)));
            }
            else if (Character.isSurrogate(c))
            {
                if (isPair(s, i))
                {
                    final int cp = Character.toCodePoint(c, s.charAt(++i));
                    buffer.put(p++, (byte)(0xF0 | (cp >> 18)));
                    buffer.put(p++, (byte)(0x80 | ((cp >> 12) & 0x3F)));
                    buffer.put(p++, (byte)(0x80 | ((cp >> 6) & 0x3F)));
                    buffer.put(p++, (byte)(0x80 | (cp & 0x3F)));
                }
                else
                {
                    buffer.put(p++, (byte)'?');
                }
            }
            else
            {
                buffer.put(p++, (byte)(0xE0 | (c >> 12)));
                buffer.put(p++, (byte)(0x80 | ((c >> 6) & 0x3F)));
                buffer.put(p++, (byte)(0x80 | (c & 0x3F)));
            }
        }
        return p - index;
    }

    private static boolean isPair(final String s, final int i)
    {
        return Character.isHighSurrogate(s.charAt(i)) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
}
