package io.osprey.admin;

/** Options for {@link Admin#describeTopics}. Not thread-safe; see {@link AbstractOptions}. */
public final class DescribeTopicsOptions extends AbstractOptions<DescribeTopicsOptions>
{
    @Override
    protected DescribeTopicsOptions self()
    {
        return this;
    }
}
