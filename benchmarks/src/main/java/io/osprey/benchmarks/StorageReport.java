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

import io.osprey.cli.Json;

/**
 * Prints the storage comparison table from the JSON that JMH writes for
 * {@link LogAppendBenchmark} and {@link LogReadBenchmark} ({@code -rf json}): bytes/s and
 * records/s of the log append against the plain-copy ceiling and Chronicle Queue, the two
 * ratios against their targets, and the read figures.
 * <p>
 * Usage: {@code java -cp benchmarks/target/benchmarks.jar io.osprey.benchmarks.StorageReport target/jmh-storage.json}
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
        for (final Object entry : (List<?>)Json.parse(json))
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
        if (value instanceof Number n)
        {
            return n.doubleValue();
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
}
