package io.osprey.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.osprey.log.LogConfig;
import io.osprey.log.LogManager;
import io.osprey.log.PartitionLog;
import io.osprey.record.Compression;
import io.osprey.record.RecordBatchBuilder;

/** Replicas written by the broker's own log classes, read back from their files and compared. */
class ReplicaLogsTest
{
    @TempDir
    Path tmp;

    private static ByteBuffer batch(final String prefix, final int records)
    {
        final RecordBatchBuilder b = new RecordBatchBuilder(64 * 1024).reset(Compression.NONE, 0, 1_000);
        for (int i = 0; i < records; i++)
        {
            b.append(1_000 + i, null, (prefix + i).getBytes(StandardCharsets.US_ASCII));
        }
        final ByteBuffer built = b.build();
        final ByteBuffer copy = ByteBuffer.allocate(built.remaining()).put(built).flip();
        b.close();
        return copy;
    }

    /** A replica on "node" {@code node}: the given batches appended by a leader at epoch 3, then a clean close. */
    private Path writeReplica(final int node, final List<ByteBuffer> batches) throws IOException
    {
        final Path dir = tmp.resolve("node-" + node);
        final LogConfig config = LogConfig.defaults().withSegmentBytes(64 * 1024);
        try (LogManager manager = new LogManager(dir, name -> config, 0))
        {
            final PartitionLog log = manager.getOrCreate("chaos", 0, config, 0);
            for (final ByteBuffer b : batches)
            {
                log.appendAsLeader(b.duplicate(), 3, 1_000);
            }
        }
        return dir.resolve("chaos-0");
    }

    @Test
    void shouldReadEveryBatchAcrossSegmentsUpToTheLogEnd() throws IOException
    {
        final List<ByteBuffer> batches = new ArrayList<>();
        for (int i = 0; i < 200; i++)
        {
            batches.add(batch("r" + i + "-", 5));
        }
        final ReplicaLogs.Replica r = ReplicaLogs.read(1, writeReplica(1, batches));

        assertThat(r.batches()).hasSize(200);
        assertThat(r.logEnd()).isEqualTo(1_000);
        assertThat(r.invalid()).isZero();
        assertThat(r.batches().get(1)).satisfies(b ->
        {
            assertThat(b.baseOffset()).isEqualTo(5);
            assertThat(b.lastOffset()).isEqualTo(9);
            assertThat(b.leaderEpoch()).isEqualTo(3);
        });
    }

    @Test
    void shouldFindNoInconsistencyBetweenEqualReplicasAndCompareOnlyBelowTheSmallestLogEnd() throws IOException
    {
        final List<ByteBuffer> batches = List.of(batch("a", 3), batch("b", 3), batch("c", 3));
        final ReplicaLogs.Replica full = ReplicaLogs.read(1, writeReplica(1, batches));
        final ReplicaLogs.Replica same = ReplicaLogs.read(2, writeReplica(2, batches));
        final ReplicaLogs.Replica behind = ReplicaLogs.read(3, writeReplica(3, batches.subList(0, 2)));
        final List<String> examples = new ArrayList<>();

        assertThat(ReplicaLogs.inconsistencies(List.of(full, same, behind), examples, "chaos-0")).isZero();
        assertThat(behind.logEnd()).isEqualTo(6);
        assertThat(examples).isEmpty();
    }

    @Test
    void shouldCountABatchThatDiffersBetweenReplicas() throws IOException
    {
        final ReplicaLogs.Replica one = ReplicaLogs.read(1, writeReplica(1, List.of(batch("a", 3), batch("b", 3))));
        final ReplicaLogs.Replica other = ReplicaLogs.read(2, writeReplica(2, List.of(batch("a", 3), batch("X", 3))));
        final List<String> examples = new ArrayList<>();

        assertThat(ReplicaLogs.inconsistencies(List.of(one, other), examples, "chaos-0")).isEqualTo(1);
        assertThat(examples).singleElement().asString().contains("node 1 holds").contains("node 2 holds");
    }

    @Test
    void shouldTreatAMissingDirectoryAsAnEmptyReplica() throws IOException
    {
        final ReplicaLogs.Replica none = ReplicaLogs.read(4, tmp.resolve("nothing"));

        assertThat(none.logEnd()).isZero();
        assertThat(none.batches()).isEmpty();
    }
}
