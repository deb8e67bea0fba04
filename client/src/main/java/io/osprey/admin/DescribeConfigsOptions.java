package io.osprey.admin;

/** Options for {@link Admin#describeConfigs}. Not thread-safe; see {@link AbstractOptions}. */
public final class DescribeConfigsOptions extends AbstractOptions<DescribeConfigsOptions>
{
    private boolean includeDocumentation;

    /** Ask the broker for each key's documentation ({@link ConfigEntry#documentation()}); off by default, as in Kafka. */
    public DescribeConfigsOptions includeDocumentation(final boolean includeDocumentation)
    {
        this.includeDocumentation = includeDocumentation;
        return this;
    }

    public boolean shouldIncludeDocumentation()
    {
        return includeDocumentation;
    }

    @Override
    protected DescribeConfigsOptions self()
    {
        return this;
    }
}
