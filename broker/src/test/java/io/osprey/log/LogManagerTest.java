package io.osprey.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogManagerTest
{
    @TempDir
    Path tmp;

    private static LogConfig config()
    {
        return LogConfig.defaults().withSegmentBytes(4096).withSegmentIndexBytes(1024).withRetention(-1, 4096)
            .withFileDeleteDelayMs(0);
    }

    @Test
    void shouldCheckpointLogStartOffsetAndRecoveryPointAcrossRestarts() throws Exception
    {
        long start;
        long end;
        try (LogManager manager = new LogManager(tmp, name -> config(), 0))
        {
            final PartitionLog log = manager.getOrCreate("orders", 3, config(), 0);
            for (int i = 0; i < 60; i++)
            {
                log.appendAsLeader(TestBatches.batch(5, 40, 1000, "m"), 0, 1000);
            }
            log.deleteRetainedSegments(2000);
            start = log.logStartOffset();
            end = log.logEndOffset();
            assertThat(start).isPositive();
            manager.checkpoint();
            final List<CheckpointFiles.Line> lines = CheckpointFiles.read(tmp.resolve(LogManager.LOG_START_OFFSET_CHECKPOINT));
            assertThat(lines).containsExactly(new CheckpointFiles.Line("orders-3", Long.toString(start)));
        }
        assertThat(CheckpointFiles.read(tmp.resolve(LogManager.RECOVERY_POINT_CHECKPOINT)))
            .containsExactly(new CheckpointFiles.Line("orders-3", Long.toString(end)));
        try (LogManager manager = new LogManager(tmp, name -> config(), 0))
        {
            final PartitionLog log = manager.get("orders", 3);
            assertThat(log.logStartOffset()).isEqualTo(start);
            assertThat(log.logEndOffset()).isEqualTo(end);
            assertThat(TestBatches.readAll(log, start)).isNotEmpty();
        }
    }

    @Test
    void shouldRecognisePartitionDirectoryNames()
    {
        assertThat(LogManager.isPartitionDirName("my-topic-12")).isTrue();
        assertThat(LogManager.isPartitionDirName("topic-")).isFalse();
        assertThat(LogManager.isPartitionDirName("-1")).isFalse();
        assertThat(LogManager.isPartitionDirName("lost+found")).isFalse();
    }
}
