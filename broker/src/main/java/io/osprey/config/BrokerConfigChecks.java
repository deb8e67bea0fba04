package io.osprey.config;

import io.osprey.common.ConfigException;
import static io.osprey.config.ReplicationKeys.GROUP_MAX_SESSION_TIMEOUT_MS;
import static io.osprey.config.ReplicationKeys.GROUP_MIN_SESSION_TIMEOUT_MS;
import static io.osprey.config.ReplicationKeys.REPLICA_FETCH_WAIT_MAX_MS;
import static io.osprey.config.ReplicationKeys.REPLICA_LAG_TIME_MAX_MS;
import static io.osprey.config.ReplicationKeys.REPLICA_SOCKET_TIMEOUT_MS;
import static io.osprey.config.ServerKeys.ADVERTISED_LISTENERS;
import static io.osprey.config.ServerKeys.BROKER_ID;
import static io.osprey.config.ServerKeys.CONTROLLER_LISTENER_NAMES;
import static io.osprey.config.ServerKeys.CONTROLLER_QUORUM_VOTERS;
import static io.osprey.config.ServerKeys.INTER_BROKER_LISTENER_NAME;
import static io.osprey.config.ServerKeys.LISTENERS;

import java.util.List;

/**
 * The rules that span several keys, each failing with the key at fault, its value and what
 * would be accepted. Single-key rules live in the validators.
 */
final class BrokerConfigChecks
{
    private static final String PLAINTEXT = "PLAINTEXT";

    private BrokerConfigChecks()
    {
    }

    static void check(final BrokerConfig config)
    {
        checkBrokerId(config);
        checkSecurityProtocols(config);
        checkAdvertisedListeners(config);
        checkControllerListeners(config);
        checkInterBrokerListener(config);
        checkVoters(config);
        checkAtMost(config, REPLICA_FETCH_WAIT_MAX_MS, REPLICA_LAG_TIME_MAX_MS);
        checkAtMost(config, REPLICA_FETCH_WAIT_MAX_MS, REPLICA_SOCKET_TIMEOUT_MS);
        checkAtMost(config, GROUP_MIN_SESSION_TIMEOUT_MS, GROUP_MAX_SESSION_TIMEOUT_MS);
    }

    private static void checkBrokerId(final BrokerConfig config)
    {
        final Integer brokerId = config.values().getInt(BROKER_ID);
        if (brokerId != null && brokerId != config.nodeId())
        {
            throw ConfigException.invalidValue(BROKER_ID, brokerId.toString(), "the same id as node.id (" + config.nodeId() + ")", null);
        }
    }

    /** Osprey speaks PLAINTEXT only: a TLS or SASL listener would accept connections it cannot serve. */
    private static void checkSecurityProtocols(final BrokerConfig config)
    {
        final List<String> controllerNames = config.controllerListenerNames();
        for (final Listener listener : config.listeners())
        {
            String protocol = config.securityProtocolMap().get(listener.name());
            if (protocol == null && controllerNames.contains(listener.name()))
            {
                // Kafka maps an unmapped controller listener to PLAINTEXT, so configurations rarely list it.
                protocol = PLAINTEXT;
            }
            final String allowed = "listeners whose names listener.security.protocol.map maps to PLAINTEXT";
            if (protocol == null)
            {
                throw ConfigException.invalidValue(LISTENERS, text(config, LISTENERS), allowed,
                    "listener name " + listener.name() + " is not in listener.security.protocol.map");
            }
            if (!protocol.equals(PLAINTEXT))
            {
                throw ConfigException.invalidValue(LISTENERS, text(config, LISTENERS), allowed,
                    "listener " + listener.name() + " uses " + protocol + "; Osprey serves only PLAINTEXT");
            }
        }
    }

    private static void checkAdvertisedListeners(final BrokerConfig config)
    {
        final List<String> names = config.listeners().stream().map(Listener::name).toList();
        if (config.values().get(ADVERTISED_LISTENERS) == null)
        {
            for (final Listener listener : config.listeners())
            {
                if (!listener.host().isEmpty() && listener.address().isWildcard()
                    && !config.controllerListenerNames().contains(listener.name()))
                {
                    throw new ConfigException(ADVERTISED_LISTENERS, null, "routable addresses",
                        "Configuration 'advertised.listeners' must be set: it defaults to listeners, and "
                            + listener + " binds every interface, an address clients cannot connect to");
                }
            }
            return;
        }
        final String allowed = Listener.DESCRIPTION + ", names from listeners " + names + ", routable hosts";
        for (final Listener advertised : config.advertisedListeners())
        {
            if (!names.contains(advertised.name()))
            {
                throw ConfigException.invalidValue(ADVERTISED_LISTENERS, text(config, ADVERTISED_LISTENERS), allowed,
                    "listener " + advertised.name() + " is not in listeners");
            }
            if (advertised.address().isWildcard())
            {
                throw ConfigException.invalidValue(ADVERTISED_LISTENERS, text(config, ADVERTISED_LISTENERS), allowed,
                    advertised + " is not an address clients can connect to");
            }
        }
    }

    private static void checkControllerListeners(final BrokerConfig config)
    {
        if (!config.isController())
        {
            return;
        }
        for (final String name : config.controllerListenerNames())
        {
            if (config.listener(name).isEmpty())
            {
                throw ConfigException.invalidValue(CONTROLLER_LISTENER_NAMES, text(config, CONTROLLER_LISTENER_NAMES),
                    "names of listeners in listeners", "a controller needs a listener named " + name);
            }
        }
    }

    private static void checkInterBrokerListener(final BrokerConfig config)
    {
        if (!config.isBroker())
        {
            return;
        }
        final String name = config.interBrokerListenerName();
        final List<String> controllerNames = config.controllerListenerNames();
        // One listener serves clients and other brokers: a second would be accepted and never bound, and the clients
        // told to use it would find nothing there.
        final List<String> clientListeners = config.listeners().stream().map(Listener::name)
            .filter(n -> !controllerNames.contains(n)).toList();
        if (clientListeners.size() > 1)
        {
            throw ConfigException.invalidValue(LISTENERS, text(config, LISTENERS),
                "one listener besides those in controller.listener.names",
                "Osprey serves clients and other brokers on one listener; got " + clientListeners);
        }
        if (config.listener(name).isEmpty() || controllerNames.contains(name))
        {
            final String value = config.values().getString(INTER_BROKER_LISTENER_NAME);
            throw new ConfigException(INTER_BROKER_LISTENER_NAME, value, "the name of a non-controller listener in listeners",
                "Invalid value '" + (value == null ? name + "' (the default)" : value + "'") + " for configuration '"
                    + INTER_BROKER_LISTENER_NAME + "': expected the name of a non-controller listener in listeners "
                    + config.listeners().stream().map(Listener::name).toList());
        }
        if (config.values().get(ADVERTISED_LISTENERS) != null
            && config.advertisedListeners().stream().noneMatch(l -> l.name().equals(name)))
        {
            throw ConfigException.invalidValue(ADVERTISED_LISTENERS, text(config, ADVERTISED_LISTENERS),
                "the address of listener " + name, "listener " + name + " serves clients and must be advertised");
        }
    }

    private static void checkVoters(final BrokerConfig config)
    {
        final List<QuorumVoter> voters = config.controllerQuorumVoters();
        if (config.isController() && !voters.isEmpty()
            && voters.stream().noneMatch(v -> v.id() == config.nodeId()))
        {
            throw ConfigException.invalidValue(CONTROLLER_QUORUM_VOTERS, text(config, CONTROLLER_QUORUM_VOTERS),
                QuorumVoter.DESCRIPTION + " including this controller's node.id " + config.nodeId(), null);
        }
        if (!config.isController() && voters.isEmpty())
        {
            throw new ConfigException(CONTROLLER_QUORUM_VOTERS, "", QuorumVoter.DESCRIPTION,
                "Configuration 'controller.quorum.voters' must be set on a node without the controller role: "
                    + "it is how the node finds the controllers (expected " + QuorumVoter.DESCRIPTION + ")");
        }
    }

    private static void checkAtMost(final BrokerConfig config, final String smaller, final String larger)
    {
        final long small = ((Number) config.values().get(smaller)).longValue();
        final long large = ((Number) config.values().get(larger)).longValue();
        if (small > large)
        {
            throw ConfigException.invalidValue(smaller, Long.toString(small), "at most " + larger + " (" + large + ")", null);
        }
    }

    private static String text(final BrokerConfig config, final String key)
    {
        return config.values().text(key);
    }
}
