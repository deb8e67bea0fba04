package io.osprey.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON reader for the files the CLI takes (reassignment plans) and the JMH results the
 * benchmark reports read: objects become
 * {@link LinkedHashMap}s, arrays {@link ArrayList}s, integers {@link Long}s, other numbers
 * {@link Double}s, and {@code true}/{@code false}/{@code null} themselves. A malformed document
 * fails with {@link IllegalArgumentException} naming the position. Nesting is limited to
 * {@value #DEPTH_MAX} levels so a hostile file cannot overflow the stack. Not thread-safe: one
 * instance reads one document.
 */
public final class Json
{
    /** Plans nest three levels; anything far deeper is not a plan. */
    static final int DEPTH_MAX = 64;

    private final String s;
    private int pos;

    private Json(final String s)
    {
        this.s = s;
    }

    /** The document's value; {@link IllegalArgumentException} when it is not well-formed JSON. */
    public static Object parse(final String text)
    {
        final Json p = new Json(text);
        p.skipSpace();
        final Object value = p.value(0);
        p.skipSpace();
        if (p.pos != text.length())
        {
            throw p.error("unexpected text after the document");
        }
        return value;
    }

    private Object value(final int depth)
    {
        if (depth > DEPTH_MAX)
        {
            throw error("nested deeper than " + DEPTH_MAX + " levels");
        }
        if (pos >= s.length())
        {
            throw error("unexpected end");
        }
        final char c = s.charAt(pos);
        switch (c)
        {
            case '{':
                return object(depth);
            case '[':
                return array(depth);
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                if (c == '-' || (c >= '0' && c <= '9'))
                {
                    return number();
                }
                throw error("unexpected '" + c + "'");
        }
    }

    private Map<String, Object> object(final int depth)
    {
        final Map<String, Object> map = new LinkedHashMap<>();
        pos++;
        skipSpace();
        if (peek() == '}')
        {
            pos++;
            return map;
        }
        while (true)
        {
            skipSpace();
            if (peek() != '"')
            {
                throw error("expected a member name");
            }
            final String key = string();
            skipSpace();
            expect(':');
            skipSpace();
            map.put(key, value(depth + 1));
            skipSpace();
            if (peek() == ',')
            {
                pos++;
                continue;
            }
            expect('}');
            return map;
        }
    }

    private List<Object> array(final int depth)
    {
        final List<Object> list = new ArrayList<>();
        pos++;
        skipSpace();
        if (peek() == ']')
        {
            pos++;
            return list;
        }
        while (true)
        {
            skipSpace();
            list.add(value(depth + 1));
            skipSpace();
            if (peek() == ',')
            {
                pos++;
                continue;
            }
            expect(']');
            return list;
        }
    }

    private String string()
    {
        pos++;
        final StringBuilder b = new StringBuilder();
        while (true)
        {
            if (pos >= s.length())
            {
                throw error("unterminated string");
            }
            final char c = s.charAt(pos++);
            if (c == '"')
            {
                return b.toString();
            }
            if (c != '\\')
            {
                b.append(c);
                continue;
            }
            if (pos >= s.length())
            {
                throw error("unterminated escape");
            }
            final char e = s.charAt(pos++);
            switch (e)
            {
                case '"', '\\', '/' -> b.append(e);
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' ->
                {
                    if (pos + 4 > s.length())
                    {
                        throw error("short \\u escape");
                    }
                    try
                    {
                        b.append((char)Integer.parseInt(s.substring(pos, pos + 4), 16));
                    }
                    catch (final NumberFormatException x)
                    {
                        throw error("bad \\u escape");
                    }
                    pos += 4;
                }
                default -> throw error("bad escape '\\" + e + "'");
            }
        }
    }

    private Object number()
    {
        final int start = pos;
        if (peek() == '-')
        {
            pos++;
        }
        while (pos < s.length() && "0123456789.eE+-".indexOf(s.charAt(pos)) >= 0)
        {
            pos++;
        }
        final String text = s.substring(start, pos);
        try
        {
            if (text.matches("-?\\d+"))
            {
                return Long.parseLong(text);
            }
            return Double.parseDouble(text);
        }
        catch (final NumberFormatException e)
        {
            throw error("bad number '" + text + "'");
        }
    }

    private Object literal(final String word, final Object value)
    {
        if (!s.startsWith(word, pos))
        {
            throw error("unexpected text");
        }
        pos += word.length();
        return value;
    }

    private char peek()
    {
        if (pos >= s.length())
        {
            throw error("unexpected end");
        }
        return s.charAt(pos);
    }

    private void expect(final char c)
    {
        if (peek() != c)
        {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    private void skipSpace()
    {
        while (pos < s.length() && Character.isWhitespace(s.charAt(pos)))
        {
            pos++;
        }
    }

    private IllegalArgumentException error(final String what)
    {
        return new IllegalArgumentException(what + " at character " + pos);
    }
}
