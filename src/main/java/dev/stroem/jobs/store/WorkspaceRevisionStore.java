package dev.stroem.jobs.store;

import dev.stroem.workflow.RevisionArchive;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code workspace_revisions} table: each revision's archive, stored by the first replica that
 * captured it. Revisions no unfinished job runs on (as its own, or as a step's cross-workspace owner) are pruned, except the newest few (a replica
 * that has not seen the newest change yet may still create jobs on the one before).
 */
public final class WorkspaceRevisionStore implements RevisionArchive {
    private static final Logger LOG = LoggerFactory.getLogger(WorkspaceRevisionStore.class);
    /** Revisions per workspace kept whatever jobs use, newest first. */
    static final int KEEP_NEWEST = 10;

    private final Database db;
    private final Clock clock;

    public WorkspaceRevisionStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public void save(String workspace, String revision, byte[] tarGz) {
        db.jdbi().useHandle(h -> h.createUpdate("INSERT INTO workspace_revisions "
                        + "(workspace, revision, created_at, size_bytes, archive) "
                        + "VALUES (:workspace, :revision, :created_at, :size, :archive) "
                        + "ON CONFLICT (workspace, revision) DO NOTHING")
                .bind("workspace", workspace)
                .bind("revision", revision)
                .bind("created_at", clock.millis())
                .bind("size", (long) tarGz.length)
                .bind("archive", tarGz)
                .execute());
    }

    @Override
    public Optional<byte[]> load(String workspace, String revision) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT archive FROM workspace_revisions "
                        + "WHERE workspace = :workspace AND revision = :revision")
                .bind("workspace", workspace)
                .bind("revision", revision)
                .map((rs, ctx) -> rs.getBytes("archive"))
                .findOne());
    }

    /** True when the revision is stored (for tests and health). */
    public boolean exists(String workspace, String revision) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM workspace_revisions "
                        + "WHERE workspace = :workspace AND revision = :revision")
                .bind("workspace", workspace)
                .bind("revision", revision)
                .mapTo(Long.class)
                .one()) > 0;
    }

    @Override
    public void prune(String workspace, String current) {
        try {
            int deleted = db.jdbi().withHandle(h -> h.createUpdate("DELETE FROM workspace_revisions "
                            + "WHERE workspace = :workspace AND revision <> :current "
                            + "AND revision NOT IN (SELECT j.revision FROM jobs j WHERE j.workspace = :workspace "
                            + "AND j.revision IS NOT NULL AND j.status IN ('pending', 'running')) "
                            + "AND revision NOT IN (SELECT s.action_revision FROM job_steps s JOIN jobs j "
                            + "ON j.job_id = s.job_id WHERE s.action_workspace = :workspace "
                            + "AND s.action_revision IS NOT NULL AND j.status IN ('pending', 'running')) "
                            + "AND revision NOT IN (SELECT r.revision FROM workspace_revisions r "
                            + "WHERE r.workspace = :workspace ORDER BY r.created_at DESC, r.revision LIMIT :keep)")
                    .bind("workspace", workspace)
                    .bind("current", current)
                    .bind("keep", KEEP_NEWEST)
                    .execute());
            if (deleted > 0) {
                LOG.info("Workspace {}: {} revisions no job runs on were removed", workspace, deleted);
            }
        } catch (RuntimeException e) {
            // Pruning again on the next change is as good.
            LOG.warn("Workspace {}: old revisions could not be removed: {}", workspace, e.toString());
        }
    }
}
