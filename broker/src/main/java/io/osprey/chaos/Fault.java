package io.osprey.chaos;

/** The kinds of fault the nemesis injects, one at a time, each healed before the next. */
enum Fault
{
    /** kill -9 of the leader of a random partition; restarted after a while. */
    KILL_LEADER("kill-leader", false),
    /** kill -9 of the node whose controller voter leads the quorum; restarted after a while. */
    KILL_CONTROLLER("kill-controller", false),
    /** SIGSTOP of a node (its sockets stay open, nothing answers), then SIGCONT. */
    PAUSE("pause", false),
    /** A clean restart: SIGTERM (controlled shutdown), start again. */
    RESTART("restart", false),
    /** A node cut off from the other nodes and the clients, both ways, then reconnected. */
    ISOLATE("isolate", true),
    /** Everything to one node dropped; what it sends gets through. */
    CUT_INBOUND("one-way-cut-inbound", true),
    /** Everything one node sends dropped; what is sent to it gets through. */
    CUT_OUTBOUND("one-way-cut-outbound", true);

    final String label;
    /** Needs a way to make network faults (namespaces or the proxy). */
    final boolean network;

    Fault(final String label, final boolean network)
    {
        this.label = label;
        this.network = network;
    }
}
