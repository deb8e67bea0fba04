package io.osprey.config;

import static io.osprey.config.ConfigType.BOOLEAN;
import static io.osprey.config.ConfigType.DOUBLE;
import static io.osprey.config.ConfigType.INT;
import static io.osprey.config.ConfigType.LIST;
import static io.osprey.config.ConfigType.LONG;
import static io.osprey.config.ConfigType.STRING;
import static io.osprey.config.Usage.IGNORED;
import static io.osprey.config.Usage.USED;
import static io.osprey.config.Validators.atLeast;

import io.osprey.log.LogConfig;

/**
 * Broker keys of the partition logs: where they live, how segments roll, retention, flushing
 * and the compaction settings. Most are the broker-wide defaults of a topic key (see
 * {@link TopicConfigs}); the validators are shared with those topic keys so that a valid
 * broker default is always a valid topic value.
 */
public final class LogKeys
{
    public static final String LOG_DIR = "log.dir";
    public static final String LOG_DIRS = "log.dirs";
    public static final String METADATA_LOG_DIR = "metadata.log.dir";
    public static final String LOG_SEGMENT_BYTES = "log.segment.bytes";
    public static final String LOG_ROLL_MS = "log.roll.ms";
    public static final String LOG_ROLL_HOURS = "log.roll.hours";
    public static final String LOG_ROLL_JITTER_MS = "log.roll.jitter.ms";
    public static final String LOG_ROLL_JITTER_HOURS = "log.roll.jitter.hours";
    public static final String LOG_INDEX_SIZE_MAX_BYTES = "log.index.size.max.bytes";
    public static final String LOG_INDEX_INTERVAL_BYTES = "log.index.interval.bytes";
    public static final String LOG_RETENTION_MS = "log.retention.ms";
    public static final String LOG_RETENTION_MINUTES = "log.retention.minutes";
    public static final String LOG_RETENTION_HOURS = "log.retention.hours";
    public static final String LOG_RETENTION_BYTES = "log.retention.bytes";
    public static final String LOG_RETENTION_CHECK_INTERVAL_MS = "log.retention.check.interval.ms";
    public static final String LOG_CLEANUP_POLICY = "log.cleanup.policy";
    public static final String LOG_CLEANER_ENABLE = "log.cleaner.enable";
    public static final String LOG_CLEANER_THREADS = "log.cleaner.threads";
    public static final String LOG_CLEANER_DELETE_RETENTION_MS = "log.cleaner.delete.retention.ms";
    public static final String LOG_CLEANER_MIN_COMPACTION_LAG_MS = "log.cleaner.min.compaction.lag.ms";
    public static final String LOG_CLEANER_MAX_COMPACTION_LAG_MS = "log.cleaner.max.compaction.lag.ms";
    public static final String LOG_CLEANER_MIN_CLEANABLE_RATIO = "log.cleaner.min.cleanable.ratio";
    public static final String LOG_CLEANER_DEDUPE_BUFFER_SIZE = "log.cleaner.dedupe.buffer.size";
    public static final String LOG_CLEANER_IO_BUFFER_LOAD_FACTOR = "log.cleaner.io.buffer.load.factor";
    public static final String LOG_CLEANER_BACKOFF_MS = "log.cleaner.backoff.ms";
    public static final String LOG_CLEANER_IO_MAX_BYTES_PER_SECOND = "log.cleaner.io.max.bytes.per.second";
    public static final String LOG_FLUSH_INTERVAL_MESSAGES = "log.flush.interval.messages";
    public static final String LOG_FLUSH_INTERVAL_MS = "log.flush.interval.ms";
    public static final String LOG_FLUSH_SCHEDULER_INTERVAL_MS = "log.flush.scheduler.interval.ms";
    public static final String LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS = "log.flush.offset.checkpoint.interval.ms";
    public static final String LOG_FLUSH_START_OFFSET_CHECKPOINT_INTERVAL_MS = "log.flush.start.offset.checkpoint.interval.ms";
    public static final String LOG_SEGMENT_DELETE_DELAY_MS = "log.segment.delete.delay.ms";
    public static final String LOG_MESSAGE_TIMESTAMP_TYPE = "log.message.timestamp.type";
    public static final String LOG_MESSAGE_TIMESTAMP_BEFORE_MAX_MS = "log.message.timestamp.before.max.ms";
    public static final String LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS = "log.message.timestamp.after.max.ms";
    public static final String LOG_PREALLOCATE = "log.preallocate";
    public static final String NUM_RECOVERY_THREADS_PER_DATA_DIR = "num.recovery.threads.per.data.dir";

    /** Where logs go when neither log.dirs nor log.dir is given. */
    public static final String DEFAULT_LOG_DIR = "/tmp/osprey-logs";

    /** Smallest segment.index.bytes that {@link LogConfig} accepts. */
    static final int MIN_SEGMENT_INDEX_BYTES = 24;

    // Validators shared by the broker keys and the topic keys they are defaults of.
    static final Validator SEGMENT_BYTES = atLeast(LogConfig.MIN_SEGMENT_BYTES);
    static final Validator SEGMENT_MS = atLeast(1);
    static final Validator SEGMENT_INDEX_BYTES = atLeast(MIN_SEGMENT_INDEX_BYTES);
    static final Validator INDEX_INTERVAL_BYTES = atLeast(0);
    static final Validator RETENTION = atLeast(-1);
    static final Validator FLUSH_MESSAGES = atLeast(1);
    static final Validator NON_NEGATIVE = atLeast(0);
    static final Validator MAX_COMPACTION_LAG_MS = atLeast(1);
    static final Validator CLEANABLE_RATIO = Validators.betweenDouble(0, 1);
    static final Validator TIMESTAMP_TYPE = Validators.oneOf("CreateTime", "LogAppendTime");
    static final Validator CLEANUP_POLICY = Validators.listOf(false, "delete", "compact");

    private LogKeys()
    {
    }

    static void define(final ConfigDef def)
    {
        definePlacement(def);
        defineSegments(def);
        defineRetention(def);
        defineFlush(def);
        defineRecords(def);
    }

    private static void definePlacement(final ConfigDef def)
    {
        def.define(LOG_DIR, STRING, DEFAULT_LOG_DIR, Validators.nonEmptyString(), USED,
            "Directory of the partition logs when log.dirs is not given.");
        def.define(LOG_DIRS, LIST, null, Validators.distinctItems(false), USED,
            "Directories of the partition logs, comma-separated; takes precedence over log.dir. Osprey keeps every log in "
                + "the first and logs a warning naming the others, which it leaves unused (no JBOD).");
        def.define(METADATA_LOG_DIR, STRING, null, Validators.nonEmptyString(), USED,
            "Directory of the controller quorum's Raft log and snapshots (archive/ and cluster/), kept across restarts; "
                + "default: controller-metadata under the first log.dirs entry.");
        def.define(NUM_RECOVERY_THREADS_PER_DATA_DIR, INT, "2", atLeast(1), IGNORED,
            "Threads per log directory that recover logs at start-up; Osprey does not size recovery by it.");
        def.define(LOG_PREALLOCATE, BOOLEAN, "false", Validator.ANY, IGNORED,
            "Topic default of preallocate; Osprey always preallocates and memory-maps the active segment.");
    }

    private static void defineSegments(final ConfigDef def)
    {
        def.define(LOG_SEGMENT_BYTES, INT, "1073741824", SEGMENT_BYTES, USED,
            "Size at which a segment rolls; topic default of segment.bytes.");
        def.define(LOG_ROLL_MS, LONG, null, SEGMENT_MS, USED,
            "Age at which a non-empty segment rolls; overrides log.roll.hours; topic default of segment.ms.");
        def.define(LOG_ROLL_HOURS, INT, "168", atLeast(1), USED,
            "Age at which a non-empty segment rolls, in hours, when log.roll.ms is not given.");
        def.define(LOG_ROLL_JITTER_MS, LONG, null, NON_NEGATIVE, IGNORED,
            "Random jitter subtracted from the roll age; overrides log.roll.jitter.hours; topic default of segment.jitter.ms.");
        def.define(LOG_ROLL_JITTER_HOURS, INT, "0", atLeast(0), IGNORED,
            "Random jitter subtracted from the roll age, in hours, when log.roll.jitter.ms is not given.");
        def.define(LOG_INDEX_SIZE_MAX_BYTES, INT, "10485760", SEGMENT_INDEX_BYTES, USED,
            "Preallocated size of each offset and time index; a full index rolls the segment; topic default of segment.index.bytes.");
        def.define(LOG_INDEX_INTERVAL_BYTES, INT, "4096", INDEX_INTERVAL_BYTES, USED,
            "Bytes of batches between two sparse index entries; topic default of index.interval.bytes.");
        def.define(LOG_SEGMENT_DELETE_DELAY_MS, LONG, "60000", NON_NEGATIVE, USED,
            "How long a deleted segment's files linger for reads in flight; topic default of file.delete.delay.ms.");
    }

    private static void defineRetention(final ConfigDef def)
    {
        def.define(LOG_RETENTION_MS, LONG, null, RETENTION, USED,
            "Age after which segments are deleted, -1 for never; overrides log.retention.minutes and log.retention.hours; topic default of retention.ms.");
        def.define(LOG_RETENTION_MINUTES, INT, null, RETENTION, USED,
            "Retention in minutes, -1 for never; overrides log.retention.hours.");
        def.define(LOG_RETENTION_HOURS, INT, "168", RETENTION, USED,
            "Retention in hours, -1 for never, when neither log.retention.ms nor log.retention.minutes is given.");
        def.define(LOG_RETENTION_BYTES, LONG, "-1", RETENTION, USED,
            "Size per partition beyond which the oldest segments are deleted, -1 for no limit; topic default of retention.bytes.");
        def.define(LOG_RETENTION_CHECK_INTERVAL_MS, LONG, "300000", atLeast(1), USED,
            "How often each partition's retention runs (and expired producer ids are removed), the first time one interval "
                + "after the partition opens; checked on the partition's maintenance tick, so at most once a second.");
        def.define(LOG_CLEANUP_POLICY, LIST, "delete", CLEANUP_POLICY, USED,
            "delete (retention), compact (keep the last record per key; retention then deletes nothing) or both; topic default of cleanup.policy.");
        defineCleaner(def);
    }

    private static void defineCleaner(final ConfigDef def)
    {
        def.define(LOG_CLEANER_ENABLE, BOOLEAN, "true", Validator.ANY, USED,
            "Runs the log cleaner threads that compact topics whose cleanup.policy includes compact.");
        def.define(LOG_CLEANER_THREADS, INT, "1", atLeast(0), USED,
            "Threads of the log cleaner; each cleans one log at a time with its own offset map.");
        def.define(LOG_CLEANER_DEDUPE_BUFFER_SIZE, LONG, "134217728", atLeast(0), USED,
            "Memory for the cleaner's key-to-offset maps, shared equally by its threads (24 bytes per key).");
        def.define(LOG_CLEANER_IO_BUFFER_LOAD_FACTOR, DOUBLE, "0.9", Validators.betweenDouble(0.01, 1), USED,
            "How full a cleaner offset map may get before a pass stops at the keys it holds.");
        def.define(LOG_CLEANER_BACKOFF_MS, LONG, "15000", NON_NEGATIVE, USED,
            "How long a cleaner thread sleeps when no log needs cleaning.");
        def.define(LOG_CLEANER_IO_MAX_BYTES_PER_SECOND, DOUBLE, Double.toString(Double.MAX_VALUE), Validators.betweenDouble(1, Double.MAX_VALUE), USED,
            "Bytes per second the cleaner threads may read and write, all of them together.");
        def.define(LOG_CLEANER_DELETE_RETENTION_MS, LONG, "86400000", NON_NEGATIVE, USED,
            "How long a tombstone survives after its first cleaning, counted from that cleaning (the delete horizon it sets), not from the record's timestamp; topic default of delete.retention.ms.");
        def.define(LOG_CLEANER_MIN_COMPACTION_LAG_MS, LONG, "0", NON_NEGATIVE, USED,
            "Minimum age of a segment's newest record before the segment is compacted; topic default of min.compaction.lag.ms.");
        def.define(LOG_CLEANER_MAX_COMPACTION_LAG_MS, LONG, Long.toString(Long.MAX_VALUE), MAX_COMPACTION_LAG_MS, USED,
            "Age of the oldest dirty record that makes a log eligible whatever its dirty ratio; topic default of max.compaction.lag.ms.");
        def.define(LOG_CLEANER_MIN_CLEANABLE_RATIO, DOUBLE, "0.5", CLEANABLE_RATIO, USED,
            "Dirty fraction of a log that makes it eligible for compaction; topic default of min.cleanable.dirty.ratio.");
    }

    private static void defineFlush(final ConfigDef def)
    {
        def.define(LOG_FLUSH_INTERVAL_MESSAGES, LONG, Long.toString(Long.MAX_VALUE), FLUSH_MESSAGES, USED,
            "fsync a partition after this many records; 1 acknowledges only fsynced writes; topic default of flush.messages.");
        def.define(LOG_FLUSH_INTERVAL_MS, LONG, null, NON_NEGATIVE, USED,
            "fsync when the oldest unflushed record is this old; default log.flush.scheduler.interval.ms; topic default of flush.ms.");
        def.define(LOG_FLUSH_SCHEDULER_INTERVAL_MS, LONG, Long.toString(Long.MAX_VALUE), NON_NEGATIVE, USED,
            "Flush age used when log.flush.interval.ms is not given.");
        def.define(LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS, INT, "60000", atLeast(0), USED,
            "How often the recovery points are checkpointed (recovery-point-offset-checkpoint); all checkpoint files are written together, at the shortest of this, log.flush.start.offset.checkpoint.interval.ms and replica.high.watermark.checkpoint.interval.ms, and not more than once a second.");
        def.define(LOG_FLUSH_START_OFFSET_CHECKPOINT_INTERVAL_MS, INT, "60000", atLeast(0), USED,
            "How often the log start offsets are checkpointed (log-start-offset-checkpoint), at least; DeleteRecords also writes it at once.");
    }

    private static void defineRecords(final ConfigDef def)
    {
        def.define(LOG_MESSAGE_TIMESTAMP_TYPE, STRING, "CreateTime", TIMESTAMP_TYPE, USED,
            "CreateTime keeps the producer's timestamps, LogAppendTime stamps batches on append; topic default of message.timestamp.type.");
        def.define(LOG_MESSAGE_TIMESTAMP_BEFORE_MAX_MS, LONG, Long.toString(Long.MAX_VALUE), NON_NEGATIVE, USED,
            "How far in the past a CreateTime record's timestamp may be (INVALID_TIMESTAMP beyond); topic default of message.timestamp.before.max.ms.");
        def.define(LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS, LONG, "3600000", NON_NEGATIVE, USED,
            "How far in the future a CreateTime record's timestamp may be (INVALID_TIMESTAMP beyond); topic default of message.timestamp.after.max.ms.");
    }
}
