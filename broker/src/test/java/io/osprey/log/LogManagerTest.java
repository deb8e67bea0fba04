package io.osprey.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
    void shouldDeleteADirectoryWhoseFilesAnotherThreadIsDeletingMeanwhile() throws Exception
    {
        // The segment deleter thread unlinks a log's .deleted files while the log itself may be
        // being deleted (CI once failed on exactly that race): vanished entries must not fail it.
        for (int round = 0; round < 20; round++)
        {
            final Path dir = Files.createDirectories(tmp.resolve("race-" + round).resolve("orders-3"));
            final List<Path> files = new ArrayList<>();
            for (int i = 0; i < 500; i++)
            {
                files.add(Files.createFile(dir.resolve(String.format("%020d.index.deleted", i))));
            }
            final Thread other = new Thread(() ->
            {
                for (final Path f : files)
                {
                    try
                    {
                        Files.deleteIfExists(f);
                    }
                    catch (final IOException e)
                    {
                        throw new UncheckedIOException(e);
                    }
                }
            });
            other.start();
            LogManager.deleteRecursively(dir.getParent());
            other.join();
            assertThat(Files.exists(dir.getParent())).isFalse();
        }
        LogManager.deleteRecursively(tmp.resolve("never-existed"));
    }

    @Test
    void shouldCheckpointTheHighWatermarkAcrossRestarts() throws Exception
    {
        final long end;
        try (LogManager manager = new LogManager(tmp, name -> config(), 0))
        {
            final PartitionLog driven = manager.getOrCreate("orders", 3, config(), 0);
            final PartitionLog single = manager.getOrCreate("orders", 4, config(), 0);
            for (int i = 0; i < 30; i++)
            {
                driven.appendAsLeader(TestBatches.batch(5, 40, 1000, "m"), 0, 1000);
                single.appendAsLeader(TestBatches.batch(5, 40, 1000, "m"), 0, 1000);
            }
            end = driven.logEndOffset();
            driven.updateHighWatermark(123);
            manager.checkpoint();
            assertThat(CheckpointFiles.read(tmp.resolve(LogManager.REPLICATION_OFFSET_CHECKPOINT))).containsExactlyInAnyOrder(
                new CheckpointFiles.Line("orders-3", "123"),
                // Not driven: its stored value (none was checkpointed), not the log end it reads as.
                new CheckpointFiles.Line("orders-4", "0"));

            driven.updateHighWatermark(125);
            Files.delete(tmp.resolve(LogManager.REPLICATION_OFFSET_CHECKPOINT));
            manager.checkpointHighWatermarks();
            assertThat(CheckpointFiles.read(tmp.resolve(LogManager.REPLICATION_OFFSET_CHECKPOINT)))
                .contains(new CheckpointFiles.Line("orders-3", "125"));
        }
        assertThat(CheckpointFiles.read(tmp.resolve(LogManager.REPLICATION_OFFSET_CHECKPOINT)))
            .as("written again on close").contains(new CheckpointFiles.Line("orders-3", "125"));
        try (LogManager manager = new LogManager(tmp, name -> config(), 0))
        {
            final PartitionLog log = manager.get("orders", 3);
            assertThat(log.storedHighWatermark()).isEqualTo(125);
            assertThat(log.highWatermark()).as("the log end until the replication layer takes over").isEqualTo(end);
            log.updateHighWatermark(log.storedHighWatermark());
            assertThat(log.highWatermark()).isEqualTo(125);
            assertThat(manager.get("orders", 4).storedHighWatermark()).isZero();
        }
    }

    @Test
    void shouldOpenALogDirectoryWithoutAReplicationOffsetCheckpoint() throws Exception
    {
        final long end;
        try (LogManager manager = new LogManager(tmp, name -> config(), 0))
        {
            final PartitionLog log = manager.getOrCreate("orders", 3, config(), 0);
            for (int i = 0; i < 10; i++)
            {
                log.appendAsLeader(TestBatches.batch(5, 40, 1000, "m"), 0, 1000);
            }
            end = log.logEndOffset();
        }
        // A directory written before the high watermark was checkpointed.
        Files.delete(tmp.resolve(LogManager.REPLICATION_OFFSET_CHECKPOINT));
        try (LogManager manager = new LogManager(tmp, name -> config(), 0))
        {
            final PartitionLog log = manager.get("orders", 3);
            assertThat(log.logEndOffset()).isEqualTo(end);
            assertThat(log.storedHighWatermark()).isZero();
            assertThat(log.highWatermark()).isEqualTo(end);
            assertThat(CheckpointFiles.read(tmp.resolve(LogManager.REPLICATION_OFFSET_CHECKPOINT)))
                .as("written at open").containsExactly(new CheckpointFiles.Line("orders-3", "0"));
        }
    }

    @Test
    void shouldDropTheHighWatermarkOfADeletedLogFromTheNextCheckpoint() throws Exception
    {
        try (LogManager manager = new LogManager(tmp, name -> config(), 0))
        {
            final PartitionLog kept = manager.getOrCreate("orders", 3, config(), 0);
            final PartitionLog deleted = manager.getOrCreate("orders", 4, config(), 0);
            for (int i = 0; i < 10; i++)
            {
                kept.appendAsLeader(TestBatches.batch(5, 40, 1000, "m"), 0, 1000);
                deleted.appendAsLeader(TestBatches.batch(5, 40, 1000, "m"), 0, 1000);
            }
            kept.updateHighWatermark(20);
            deleted.updateHighWatermark(30);
            manager.checkpoint();
            assertThat(CheckpointFiles.read(tmp.resolve(LogManager.REPLICATION_OFFSET_CHECKPOINT)))
                .extracting(CheckpointFiles.Line::first).containsExactlyInAnyOrder("orders-3", "orders-4");

            manager.delete(deleted);
            manager.checkpoint();
            assertThat(CheckpointFiles.read(tmp.resolve(LogManager.REPLICATION_OFFSET_CHECKPOINT)))
                .containsExactly(new CheckpointFiles.Line("orders-3", "20"));
        }
        // A stale line for a directory that no longer exists (a crash before the checkpoint) is ignored and dropped.
        CheckpointFiles.write(tmp.resolve(LogManager.REPLICATION_OFFSET_CHECKPOINT),
            List.of(new CheckpointFiles.Line("orders-3", "20"), new CheckpointFiles.Line("orders-4", "30")));
        try (LogManager manager = new LogManager(tmp, name -> config(), 0))
        {
            assertThat(manager.logs()).containsOnlyKeys("orders-3");
            assertThat(manager.get("orders", 3).storedHighWatermark()).isEqualTo(20);
            assertThat(CheckpointFiles.read(tmp.resolve(LogManager.REPLICATION_OFFSET_CHECKPOINT)))
                .containsExactly(new CheckpointFiles.Line("orders-3", "20"));
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
