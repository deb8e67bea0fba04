package io.osprey.controller;

/**
 * Settings the state machine needs. They must be identical on every controller: they decide
 * which records a command produces, so two nodes with different values would diverge.
 *
 * @param brokerSessionTimeoutMs      {@code broker.session.timeout.ms}: a broker whose last
 *                                    heartbeat is older than this is fenced.
 * @param uncleanLeaderElectionEnable {@code unclean.leader.election.enable} for topics that
 *                                    do not set it.
 */
public record ControllerConfig(long brokerSessionTimeoutMs, boolean uncleanLeaderElectionEnable)
{
    public static final String UNCLEAN_LEADER_ELECTION_ENABLE = "unclean.leader.election.enable";

    /**
     * Osprey's defaults: a 1.5 s session (Kafka: 9 s; docs/controller.md says why it can be this
     * short: a new controller leader renews every live lease) and clean elections only.
     */
    public static final ControllerConfig DEFAULT = new ControllerConfig(1_500L, false);

    public ControllerConfig
    {
        if (brokerSessionTimeoutMs <= 0)
        {
            throw new IllegalArgumentException("broker.session.timeout.ms must be positive: " + brokerSessionTimeoutMs);
        }
    }
}
