package dev.stroem.logs;

/**
 * Brings this server's local copy of a job's log up to date before it is read. On a single node
 * the local file is the log, so there is nothing to do ({@link #NONE}); with several replicas on
 * one PostgreSQL the shared log lives in the database and each replica's {@code {job}.jsonl}
 * follows it ({@code logs.replica.ChunkFollower}).
 */
@FunctionalInterface
public interface LocalLogSync {

    /** A single node: the local file is complete already. */
    LocalLogSync NONE = jobId -> {};

    /**
     * Copies every line of the job's shared log the local file lacks, in order. Never throws for
     * an unavailable database: a read then serves what the local file holds (logged).
     */
    void catchUp(String jobId);

    /**
     * Whether a caught-up local copy is the whole log (replicas: it is the shared log's lines in
     * order, archived ones included), so reads never need to merge it with the archive.
     */
    default boolean localCopyIsWholeLog() {
        return false;
    }
}
