package dev.stroem.workflow;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the archives of workspace revisions are kept so that every server replica serves the same
 * bytes for a revision, and a job's revision can still be read after the folder moved on. The
 * server keeps them in its database; tools without one keep them in memory.
 */
public interface RevisionArchive {

    /** Stores the archive of a revision unless one is stored already (the first one stays). */
    void save(String workspace, String revision, byte[] tarGz);

    /** The stored archive of a revision, if any. */
    Optional<byte[]> load(String workspace, String revision);

    /** Revisions no longer needed may go; the {@code current} one stays. Never throws. */
    default void prune(String workspace, String current) {}

    /** Archives in this process's memory: for tools and tests without a database. */
    static RevisionArchive inMemory() {
        var archives = new ConcurrentHashMap<String, byte[]>();
        return new RevisionArchive() {
            @Override
            public void save(String workspace, String revision, byte[] tarGz) {
                archives.putIfAbsent(workspace + '\u0000' + revision, tarGz);
            }

            @Override
            public Optional<byte[]> load(String workspace, String revision) {
                return Optional.ofNullable(archives.get(workspace + '\u0000' + revision));
            }
        };
    }
}
