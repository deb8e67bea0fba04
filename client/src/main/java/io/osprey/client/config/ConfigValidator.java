package io.osprey.client.config;

import io.osprey.common.ConfigException;

/**
 * Checks a parsed, non-null configuration value and says in words what it accepts. The words
 * follow "expected " in {@link io.osprey.client.ConfigException} messages.
 * Implementations are immutable and thread-safe.
 */
public interface ConfigValidator
{
    /** Accepts every value of the key's type. */
    ConfigValidator ANY = new ConfigValidator()
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
     * @return {@code null} when valid; otherwise why not, or "" when {@link #describe} says it all
     */
    String problem(Object value);

    /** What this validator accepts, given the type's noun: "an integer &gt;= 0", "one of [none, rebootstrap]". */
    String describe(String noun);
}
