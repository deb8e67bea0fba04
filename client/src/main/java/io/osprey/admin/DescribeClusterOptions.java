package io.osprey.admin;

/** Options for {@link Admin#describeCluster}. Not thread-safe; see {@link AbstractOptions}. */
public final class DescribeClusterOptions extends AbstractOptions<DescribeClusterOptions>
{
    @Override
    protected DescribeClusterOptions self()
    {
        return this;
    }
}
