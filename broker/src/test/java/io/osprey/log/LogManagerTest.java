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
    void shouldDeleteAnAbortedLogAndIgnoreItsStaleCheckpointLinesOnRestart() throws Exception
    {
        final List<CheckpointFiles.Line> stale;
        try (LogManager manager = new LogManager(tmp, name -> config(), 0))
        {
            manager.startCleaner(CleanerConfig.defaults());
            final PartitionLog log = manager.getOrCreate("orders", 3, config(), 0);
            for (int i = 0; i < 60; i++)
            {
                log.appendAsLeader(TestBatches.batch(5, 40, 1000, "m"), 0, 1000);
            }
            log.deleteRetainedSegments(2000);
            assertThat(log.logStartOffset()).isPositive();
            manager.checkpoint();

            manager.abortCleaning(log);
            manager.delete(log);
            assertThat(java.nio.file.Files.exists(log.dir())).isFalse();
            assertThat(manager.get("orders", 3)).isNull();
            // delete(log) writes no checkpoint (its caller writes one per batch): a crash here leaves lines of the deleted log.
            stale = CheckpointFiles.read(tmp.resolve(LogManager.LOG_START_OFFSET_CHECKPOINT));
            assertThat(stale).extracting(CheckpointFiles.Line::first).containsExactly("orders-3");
        }
        // The state a crash right after the deletion leaves (the clean close above rewrote the checkpoint).
        CheckpointFiles.write(tmp.resolve(LogManager.LOG_START_OFFSET_CHECKPOINT), stale);
        CheckpointFiles.write(tmp.resolve(LogManager.RECOVERY_POINT_CHECKPOINT), stale);
        try (LogManager manager = new LogManager(tmp, name -> config(), 0))
        {
            assertThat(manager.logs()).isEmpty();
            final PartitionLog recreated = manager.getOrCreate("orders", 3, config(), 0);
            assertThat(recreated.logStartOffset()).isZero();
            assertThat(recreated.logEndOffset()).isZero();
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
