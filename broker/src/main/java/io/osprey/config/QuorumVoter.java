package io.osprey.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One entry of {@code controller.quorum.voters}: {@code id@host:port}, Kafka's format.
 *
 * @param id      the controller's node.id
 * @param address where its quorum endpoint listens
 */
public record QuorumVoter(int id, HostPort address)
{
    private static final Pattern VOTER = Pattern.compile("^([0-9]+)@(.*)$");

    /** What a voter list accepts, for messages and docs. */
    static final String DESCRIPTION = "a comma-separated list of id@host:port with distinct ids";

    /**
     * Parses {@code id@host:port}.
     *
     * @throws IllegalArgumentException saying what is wrong, for configuration messages
     */
    public static QuorumVoter parse(final String text)
    {
        final Matcher m = VOTER.matcher(text.trim());
        if (!m.matches())
        {
            throw new IllegalArgumentException("'" + text + "' is not id@host:port");
        }
        final int id;
        try
        {
            id = Integer.parseInt(m.group(1));
        }
        catch (final NumberFormatException e)
        {
            throw new IllegalArgumentException("voter id " + m.group(1) + " is not an integer", e);
        }
        return new QuorumVoter(id, HostPort.parse(m.group(2)));
    }

    /**
     * Parses a voter list; ids must be distinct.
     *
     * @throws IllegalArgumentException naming the first bad entry
     */
    public static List<QuorumVoter> parseList(final List<String> entries)
    {
        final List<QuorumVoter> result = new ArrayList<>();
        final Set<Integer> ids = new HashSet<>();
        for (final String entry : entries)
        {
            final QuorumVoter voter = parse(entry);
            if (!ids.add(voter.id()))
            {
                throw new IllegalArgumentException("voter id " + voter.id() + " appears twice");
            }
            result.add(voter);
        }
        return List.copyOf(result);
    }

    /** The validator of a voter list. */
    static Validator validator()
    {
        return new Validator()
        {
            @Override
            public String problem(final Object value)
            {
                try
                {
                    parseList(Validators.strings(value));
                    return null;
                }
                catch (final IllegalArgumentException e)
                {
                    return e.getMessage();
                }
            }

            @Override
            public String describe(final String noun)
            {
                return DESCRIPTION;
            }
        };
    }

    /** {@code id@host:port}, as written in configuration. */
    @Override
    public String toString()
    {
        return id + "@" + address;
    }
}
