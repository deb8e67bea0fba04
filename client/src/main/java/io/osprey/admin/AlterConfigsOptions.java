package io.osprey.admin;

/** Options for {@link Admin#incrementalAlterConfigs}. Not thread-safe; see {@link AbstractOptions}. */
public final class AlterConfigsOptions extends AbstractOptions<AlterConfigsOptions>
{
    private boolean validateOnly;

    /** Have the broker check the request (names, counts, configs) without changing anything. */
    public AlterConfigsOptions validateOnly(final boolean validateOnly)
    {
        this.validateOnly = validateOnly;
        return this;
    }

    public boolean shouldValidateOnly()
    {
        return validateOnly;
    }

    @Override
    protected AlterConfigsOptions self()
    {
        return this;
    }
}
