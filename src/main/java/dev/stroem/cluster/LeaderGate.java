package dev.stroem.cluster;

/**
 * Whether this server is the leader: the one that runs the recovery sweeper, retention and the
 * scheduler. Asked before each round of such work, never cached by the caller: leadership moves
 * when the leader's database connection drops.
 */
@FunctionalInterface
public interface LeaderGate {

    boolean isLeader();

    /** A single server (SQLite, or one PostgreSQL server alone): always the leader. */
    static LeaderGate singleNode() {
        return () -> true;
    }
}
