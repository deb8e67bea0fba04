package io.osprey.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints the storage comparison table from the JSON that JMH writes for
 * {@link LogAppendBenchmark} and {@link LogReadBenchmark} ({@code -rf json}): bytes/s and
 * records/s of the log append against the plain-copy ceiling and Chronicle Queue, the two
 * ratios against their targets, and the read figures.
 * <p>
 * Usage: {@code java -cp benchmarks/target/benchmarks.jar io.osprey.benchmarks.StorageReport target/jmh-storage.json}
 * <p>
 * Carries its own small JSON reader so that the scripts need nothing but a JDK.
 */
public final class StorageReport
{
    /** log append bytes/s as a share of plain-copy bytes/s. */
    static final double APPEND_VS_COPY_TARGET = 0.60;
    /** log append records/s as a multiple of Chronicle Queue's message rate. */
    static final double APPEND_VS_CHRONICLE_TARGET = 2.0;

    private static final double MIB = 1024.0 * 1024.0;
    private static final String APPEND = "io.osprey.benchmarks.LogAppendBenchmark.";
    private static final String READ = "io.osprey.benchmarks.LogReadBenchmark.";

    private StorageReport()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        if (args.length != 1)
        {
            System.err.println("usage: StorageReport <jmh-result.json>");
            System.exit(2);
        }
        final String json = Files.readString(Path.of(args[0]), StandardCharsets.UTF_8);
        final Map<String, Result> results = parse(json);
        print(results, System.out);
    }

    /** One benchmark's primary score and auxiliary rates, all per second. */
    record Result(double opsPerSecond, double opsError, double bytesPerSecond, double recordsPerSecond)
    {
    }

    static Map<String, Result> parse(final String json)
    {
        final Map<String, Result> results = new LinkedHashMap<>();
        for (final Object entry : (List<?>)new JsonReader(json).read())
        {
            final Map<?, ?> run = (Map<?, ?>)entry;
            final String name = (String)run.get("benchmark");
            final Map<?, ?> primary = (Map<?, ?>)run.get("primaryMetric");
            final Map<?, ?> secondary = run.get("secondaryMetrics") instanceof Map<?, ?> m ? m : Map.of();
            results.put(name, new Result(
                number(primary.get("score")),
                number(primary.get("scoreError")),
                secondaryScore(secondary, "bytes"),
                secondaryScore(secondary, "records")));
        }
        return results;
    }

    private static double secondaryScore(final Map<?, ?> secondary, final String name)
    {
        return secondary.get(name) instanceof Map<?, ?> metric ? number(metric.get("score")) : Double.NaN;
    }

    private static double number(final Object value)
    {
        if (value instanceof Double d)
        {
            return d;
        }
        if (value instanceof String s)
        {
            try
            {
                return Double.parseDouble(s);
            }
            catch (final NumberFormatException e)
            {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }

    static void print(final Map<String, Result> results, final PrintStream out)
    {
        final Result log = results.get(APPEND + "logAppend");
        final Result plain = results.get(APPEND + "plainCopy");
        final Result chronicle = results.get(APPEND + "chronicleQueue");

        out.println();
        out.println("Storage benchmarks (ops/s with the 99.9% error JMH reports; MiB = 2^20 bytes)");
        out.println();
        out.printf(Locale.ROOT, "%-38s %22s %12s %14s%n", "benchmark", "ops/s", "MiB/s", "records/s");
        row(out, "log append (16 KiB batch)", log, true);
        row(out, "plain copy into mmap (ceiling)", plain, false);
        row(out, "Chronicle Queue (100 B messages)", chronicle, true);
        row(out, "log read 1 MiB + consume bytes", results.get(READ + "readAndConsume"), false);
        row(out, "log read 1 MiB, slice only", results.get(READ + "readSlice"), false);
        row(out, "index lookup (Segment.findPosition)", results.get(READ + "indexLookup"), false);
        out.println();
        if (log != null && plain != null)
        {
            verdict(out, "log append bytes/s / plain copy bytes/s",
                log.bytesPerSecond() / plain.bytesPerSecond(), APPEND_VS_COPY_TARGET, "%.2f");
        }
        if (log != null && chronicle != null)
        {
            verdict(out, "log append records/s / Chronicle records/s",
                log.recordsPerSecond() / chronicle.recordsPerSecond(), APPEND_VS_CHRONICLE_TARGET, "%.2fx");
        }
    }

    private static void row(final PrintStream out, final String label, final Result r, final boolean records)
    {
        if (r == null)
        {
            out.printf(Locale.ROOT, "%-38s %22s%n", label, "(not run)");
            return;
        }
        final String ops = String.format(Locale.ROOT, "%,.0f \u00b1 %,.0f", r.opsPerSecond(), r.opsError());
        final String mib = Double.isNaN(r.bytesPerSecond()) ? "-" : String.format(Locale.ROOT, "%,.0f", r.bytesPerSecond() / MIB);
        final String recs = !records || Double.isNaN(r.recordsPerSecond()) ? "-" :
            String.format(Locale.ROOT, "%,.0f", r.recordsPerSecond());
        out.printf(Locale.ROOT, "%-38s %22s %12s %14s%n", label, ops, mib, recs);
    }

    private static void verdict(final PrintStream out, final String label, final double ratio, final double target,
        final String format)
    {
        out.printf(Locale.ROOT, "%-44s %8s  (target >= %s)  %s%n", label, String.format(Locale.ROOT, format, ratio),
            String.format(Locale.ROOT, format, target), ratio >= target ? "MET" : "MISSED");
    }

    /** Just enough JSON for JMH's result file: objects, arrays, strings, numbers, literals. */
    static final class JsonReader
    {
        private final String s;
        private int p;

        JsonReader(final String s)
        {
            this.s = s;
        }

        Object read()
        {
            final Object value = value();
            skipSpace();
            if (p != s.length())
            {
                throw error("trailing characters");
            }
            return value;
        }

        private Object value()
        {
            skipSpace();
            if (p >= s.length())
            {
                throw error("unexpected end");
            }
            final char c = s.charAt(p);
            switch (c)
            {
                case '{':
                    return object();
                case '[':
                    return array();
                case '"':
                    return string();
                case 't':
                    return literal("true", Boolean.TRUE);
                case 'f':
                    return literal("false", Boolean.FALSE);
                case 'n':
                    return literal("null", null);
                default:
                    return number();
            }
        }

        private Map<String, Object> object()
        {
            final Map<String, Object> map = new LinkedHashMap<>();
            p++;
            skipSpace();
            if (peek() == '}')
            {
                p++;
                return map;
            }
            while (true)
            {
                skipSpace();
                final String key = string();
                skipSpace();
                expect(':');
                map.put(key, value());
                skipSpace();
                if (peek() == ',')
                {
                    p++;
                    continue;
                }
                expect('}');
                return map;
            }
        }

        private List<Object> array()
        {
            final List<Object> list = new ArrayList<>();
            p++;
            skipSpace();
            if (peek() == ']')
            {
                p++;
                return list;
            }
            while (true)
            {
                list.add(value());
                skipSpace();
                if (peek() == ',')
                {
                    p++;
                    continue;
                }
                expect(']');
                return list;
            }
        }

        private String string()
        {
            expect('"');
            final StringBuilder sb = new StringBuilder();
            while (true)
            {
                if (p >= s.length())
                {
                    throw error("unterminated string");
                }
                final char c = s.charAt(p++);
                if (c == '"')
                {
                    return sb.toString();
                }
                if (c != '\\')
                {
                    sb.append(c);
                    continue;
                }
                final char e = s.charAt(p++);
                switch (e)
                {
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' ->
                    {
                        sb.append((char)Integer.parseInt(s.substring(p, p + 4), 16));
                        p += 4;
                    }
                    default -> sb.append(e);
                }
            }
        }

        private Double number()
        {
            final int start = p;
            while (p < s.length() && "+-0123456789.eE".indexOf(s.charAt(p)) >= 0)
            {
                p++;
            }
            if (start == p)
            {
                throw error("unexpected character '" + s.charAt(p) + "'");
            }
            return Double.parseDouble(s.substring(start, p));
        }

        private Object literal(final String word, final Object value)
        {
            if (!s.startsWith(word, p))
            {
                throw error("expected " + word);
            }
            p += word.length();
            return value;
        }

        private char peek()
        {
            return p < s.length() ? s.charAt(p) : '\0';
        }

        private void expect(final char c)
        {
            if (peek() != c)
            {
                throw error("expected '" + c + "'");
            }
            p++;
        }

        private void skipSpace()
        {
            while (p < s.length() && Character.isWhitespace(s.charAt(p)))
            {
                p++;
            }
        }

        private IllegalArgumentException error(final String what)
        {
            return new IllegalArgumentException("JSON: " + what + " at character " + p);
        }
    }
}
