package io.osprey.config;

import io.osprey.common.ConfigException;

/**
 * Checks a parsed, non-null configuration value and says in words what it accepts. The words
 * end up in {@link ConfigException} messages and in docs/configuration.md, so they are written
 * to follow "expected ".
 */
public interface Validator
{
    /** Accepts every value of the type. */
    Validator ANY = new Validator()
    {
        @Override
        public String problem(final Object value)
        {
            return null;
        }

        @Override
        public String describe(final String noun)
        {
            return noun;
        }
    };

    /**
     * @param value a parsed value of the key's type, never {@code null}
     * @return {@code null} when the value is valid; otherwise why not, or "" when
     *         {@link #describe} already says it all
     */
    String problem(Object value);

    /**
     * What this validator accepts, given the noun of the key's type ("an integer"):
     * "an integer &gt;= 1", "one of [delete, compact]".
     */
    String describe(String noun);
}
