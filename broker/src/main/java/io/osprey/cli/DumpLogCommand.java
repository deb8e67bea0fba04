package io.osprey.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;

import io.osprey.record.CorruptRecordException;
import io.osprey.record.Record;
import io.osprey.record.RecordBatch;
import io.osprey.record.RecordBatchReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Prints the batches of segment files with their offsets, sizes, timestamps, producer fields
 * and a CRC check; optionally every record. Reads the file directly (no broker needed) and
 * stops at the first byte that is not a whole, valid batch, saying why: the unwritten zeros of
 * a preallocated active segment, a torn tail, or corruption.
 */
@Command(name = "dump-log", description = "Print the batches of segment (.log) files, with a CRC check.",
    mixinStandardHelpOptions = true)
final class DumpLogCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Segment files (<base offset>.log).")
    Path[] files;

    @Option(names = "--print-records", description = "Also print every record (key and value as UTF-8).")
    boolean printRecords;

    @Option(names = "--output", description = "text (default) or json.", defaultValue = "text")
    String output;

    @Override
    public Integer call() throws IOException
    {
        final PrintWriter out = spec.commandLine().getOut();
        final boolean json = "json".equals(output);
        int invalid = 0;
        for (final Path file : files)
        {
            invalid += dump(file, out, json);
        }
        out.flush();
        return invalid == 0 ? 0 : 1;
    }

    private int dump(final Path file, final PrintWriter out, final boolean json) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final long length = channel.size();
            final ByteBuffer map = channel.map(FileChannel.MapMode.READ_ONLY, 0, length);
            if (!json)
            {
                out.printf("Dumping %s (%d bytes)%n", file, length);
            }
            final RecordBatch batch = new RecordBatch();
            int p = 0;
            int batches = 0;
            int invalid = 0;
            String end = "end of file";
            while (p < length)
            {
                if (p + RecordBatch.HEADER_SIZE > length)
                {
                    end = allZero(map, p, (int)length) ? "unwritten (zero) bytes from position " + p :
                        (length - p) + " trailing bytes at position " + p + " are not a whole batch (torn tail)";
                    break;
                }
                batch.wrap(map, p);
                final int size = batch.sizeInBytes();
                if (batch.batchLength() == 0 && allZero(map, p, (int)Math.min(length, p + 4096L)))
                {
                    end = "unwritten (zero) bytes from position " + p;
                    break;
                }
                if (batch.batchLength() < RecordBatch.HEADER_SIZE - RecordBatch.LOG_OVERHEAD || p + (long)size > length)
                {
                    end = "batch length " + batch.batchLength() + " at position " + p + " does not fit the file (torn tail or corruption)";
                    invalid++;
                    break;
                }
                final boolean crcValid = batch.magic() == RecordBatch.MAGIC && batch.isChecksumValid();
                if (!crcValid)
                {
                    invalid++;
                }
                printBatch(out, json, batch, p, crcValid);
                if (printRecords && crcValid)
                {
                    printRecords(out, json, map, p);
                }
                batches++;
                p += size;
            }
            if (json)
            {
                out.printf("{\"file\":\"%s\",\"bytes\":%d,\"batches\":%d,\"invalid\":%d,\"end\":\"%s\"}%n",
                    escape(file.toString()), length, batches, invalid, escape(end));
            }
            else
            {
                out.printf("%d batch(es), %d invalid; stopped at: %s%n", batches, invalid, end);
            }
            return invalid;
        }
    }

    private static void printBatch(final PrintWriter out, final boolean json, final RecordBatch b, final int position,
        final boolean crcValid)
    {
        if (json)
        {
            out.printf("{\"baseOffset\":%d,\"lastOffset\":%d,\"count\":%d,\"position\":%d,\"size\":%d,\"magic\":%d," +
                "\"compression\":\"%s\",\"timestampType\":\"%s\",\"baseTimestamp\":%d,\"maxTimestamp\":%d,\"producerId\":%d," +
                "\"producerEpoch\":%d,\"baseSequence\":%d,\"partitionLeaderEpoch\":%d,\"crc\":%d,\"crcValid\":%b}%n",
                b.baseOffset(), b.lastOffset(), b.recordCount(), position, b.sizeInBytes(), b.magic(), codec(b),
                b.isLogAppendTime() ? "LogAppendTime" : "CreateTime", b.baseTimestamp(), b.maxTimestamp(), b.producerId(),
                b.producerEpoch(), b.baseSequence(), b.partitionLeaderEpoch(), b.checksum(), crcValid);
        }
        else
        {
            out.printf("baseOffset: %d lastOffset: %d count: %d position: %d size: %d magic: %d compression: %s %s: %d " +
                "producerId: %d producerEpoch: %d baseSequence: %d partitionLeaderEpoch: %d crc: %d %s%n",
                b.baseOffset(), b.lastOffset(), b.recordCount(), position, b.sizeInBytes(), b.magic(), codec(b),
                b.isLogAppendTime() ? "LogAppendTime" : "CreateTime", b.maxTimestamp(), b.producerId(), b.producerEpoch(),
                b.baseSequence(), b.partitionLeaderEpoch(), b.checksum(), crcValid ? "valid" : "INVALID CRC");
        }
    }

    private static void printRecords(final PrintWriter out, final boolean json, final ByteBuffer map, final int position)
    {
        try (RecordBatchReader reader = new RecordBatchReader())
        {
            reader.wrap(map, position);
            while (reader.hasNext())
            {
                final Record r = reader.next();
                final String key = r.hasKey() ? new String(r.keyBytes(), StandardCharsets.UTF_8) : null;
                final String value = r.hasValue() ? new String(r.valueBytes(), StandardCharsets.UTF_8) : null;
                if (json)
                {
                    out.printf("{\"offset\":%d,\"timestamp\":%d,\"key\":%s,\"value\":%s,\"headers\":%d}%n", r.offset(), r.timestamp(),
                        key == null ? "null" : "\"" + escape(key) + "\"", value == null ? "null" : "\"" + escape(value) + "\"",
                        r.headerCount());
                }
                else
                {
                    out.printf("| offset: %d timestamp: %d key: %s value: %s headers: %d%n", r.offset(), r.timestamp(), key, value,
                        r.headerCount());
                }
            }
        }
        catch (final CorruptRecordException | UnsupportedOperationException e)
        {
            out.printf("| records unreadable: %s%n", e.getMessage());
        }
    }

    private static String codec(final RecordBatch b)
    {
        return b.compression() == null ? "unknown(" + (b.attributes() & RecordBatch.COMPRESSION_CODEC_MASK) + ")" : b.compression().configName;
    }

    private static boolean allZero(final ByteBuffer map, final int from, final int to)
    {
        for (int i = from; i < to; i++)
        {
            if (map.get(i) != 0)
            {
                return false;
            }
        }
        return true;
    }

    static String escape(final String s)
    {
        final StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++)
        {
            final char c = s.charAt(i);
            switch (c)
            {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default ->
                {
                    if (c < 0x20)
                    {
                        sb.append(String.format("\\u%04x", (int)c));
                    }
                    else
                    {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }
}
