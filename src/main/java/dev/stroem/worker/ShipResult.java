package dev.stroem.worker;

/** What became of a step's log lines once its {@link StepLog} was closed. */
public enum ShipResult {
    /** The server acknowledged every batch. */
    DELIVERED,
    /** The server refused some batch for good (a 4xx such as an unknown job); those lines are gone. */
    INCOMPLETE,
    /** The worker shut down before the server took everything; the rest waits in the spool. */
    SPOOLED
}
