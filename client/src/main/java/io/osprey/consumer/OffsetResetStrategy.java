package io.osprey.consumer;

import java.util.Locale;

/**
 * Where a partition without a usable position starts: {@code auto.offset.reset}, or an explicit
 * seek to the beginning or end. Each strategy that looks an offset up carries the ListOffsets
 * timestamp that asks for it.
 */
enum OffsetResetStrategy
{
    /** The log start: ListOffsets timestamp -2. */
    EARLIEST(-2L),
    /** The high watermark: ListOffsets timestamp -1. */
    LATEST(-1L),
    /** No lookup: the application has to seek. */
    NONE(Long.MIN_VALUE);

    /** The ListOffsets timestamp that finds the offset; meaningless for {@link #NONE}. */
    final long listOffsetsTimestamp;

    OffsetResetStrategy(final long listOffsetsTimestamp)
    {
        this.listOffsetsTimestamp = listOffsetsTimestamp;
    }

    /** The strategy of an {@code auto.offset.reset} value already validated by the config definition. */
    static OffsetResetStrategy forConfig(final String value)
    {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    /** "earliest", as the configuration spells it. */
    String configName()
    {
        return name().toLowerCase(Locale.ROOT);
    }
}
