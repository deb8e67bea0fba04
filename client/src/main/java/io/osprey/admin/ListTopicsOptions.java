package io.osprey.admin;

/** Options for {@link Admin#listTopics}. Not thread-safe; see {@link AbstractOptions}. */
public final class ListTopicsOptions extends AbstractOptions<ListTopicsOptions>
{
    private boolean listInternal;

    /** Include internal topics (none on Osprey today; {@code __consumer_offsets} on Kafka). */
    public ListTopicsOptions listInternal(final boolean listInternal)
    {
        this.listInternal = listInternal;
        return this;
    }

    public boolean shouldListInternal()
    {
        return listInternal;
    }

    @Override
    protected ListTopicsOptions self()
    {
        return this;
    }
}
