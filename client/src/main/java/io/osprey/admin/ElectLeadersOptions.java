package io.osprey.admin;

/** Options for {@link Admin#electLeaders}. Not thread-safe; see {@link AbstractOptions}. */
public final class ElectLeadersOptions extends AbstractOptions<ElectLeadersOptions>
{
    @Override
    protected ElectLeadersOptions self()
    {
        return this;
    }
}
