package io.osprey.admin;

/** Options for {@link Admin#describeConsumerGroups}. Not thread-safe; see {@link AbstractOptions}. */
public final class DescribeConsumerGroupsOptions extends AbstractOptions<DescribeConsumerGroupsOptions>
{
    @Override
    protected DescribeConsumerGroupsOptions self()
    {
        return this;
    }
}
