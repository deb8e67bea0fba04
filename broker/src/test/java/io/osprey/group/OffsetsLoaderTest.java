package io.osprey.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.osprey.common.TopicPartition;
import io.osprey.log.LogConfig;
import io.osprey.log.PartitionLog;

/** Reading a {@code __consumer_offsets} partition back: every record replayed, or the partition refused. */
class OffsetsLoaderTest
{
    @TempDir
    Path tmp;

    /** Builds batches as the broker does: one builder reused for every append. */
    private final OffsetsTopicLog batches = new OffsetsTopicLog(null, completion -> { }, 5000);

    private void append(final PartitionLog log, final OffsetsRecord... records)
    {
        log.appendAsLeader(batches.build(List.of(records), 1_000), 0, 1_000);
    }

    private static OffsetsRecord commit(final String group, final long offset)
    {
        return new OffsetsRecord(OffsetsTopicFormat.offsetCommitKey(group, "t", 0),
            OffsetsTopicFormat.offsetCommitValue(new CommittedOffset(offset, -1, "", 1_000)));
    }

    @Test
    void shouldReplayTheLastValuePerKey() throws Exception
    {
        try (PartitionLog log = PartitionLog.open(tmp.resolve("__consumer_offsets-3"), LogConfig.defaults(), 0, 0, 1_000))
        {
            append(log, commit("g", 5), commit("h", 1));
            append(log, commit("g", 6), new OffsetsRecord(OffsetsTopicFormat.offsetCommitKey("h", "t", 0), null));

            final LoadedPartition loaded = OffsetsLoader.load(log);

            assertThat(loaded.offsets.get("g").get(new TopicPartition("t", 0)).offset()).isEqualTo(6);
            assertThat(loaded.offsets).doesNotContainKey("h");
        }
    }

    @Test
    void shouldRefuseToLoadAPartitionWithARecordItCannotDecode() throws Exception
    {
        try (PartitionLog log = PartitionLog.open(tmp.resolve("__consumer_offsets-3"), LogConfig.defaults(), 0, 0, 1_000))
        {
            append(log, commit("g", 5));
            // A newer value for the same key that does not decode: skipping it would resurrect offset 5.
            append(log, new OffsetsRecord(OffsetsTopicFormat.offsetCommitKey("g", "t", 0), new byte[] {0, 3, 1}));

            assertThatThrownBy(() -> OffsetsLoader.load(log)).isInstanceOf(OffsetsLoader.LoadFailedException.class)
                .hasMessageContaining("__consumer_offsets-3").hasMessageContaining("offset 1");
        }
    }
}
