package dev.stroem.artifacts;

import dev.stroem.jobs.store.Database;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.mapper.RowMapper;

/** The {@code job_artifacts} table: all its SQL is here. */
public final class ArtifactStore {
    private static final String COLUMNS = "artifact_id, job_id, step_name, name, content_type, size_bytes, storage_key, created_at";
    private static final RowMapper<Artifact> ROW = (rs, ctx) -> new Artifact(rs.getString("artifact_id"),
            rs.getString("job_id"), rs.getString("step_name"), rs.getString("name"), rs.getString("content_type"),
            rs.getLong("size_bytes"), rs.getString("storage_key"), Instant.ofEpochMilli(rs.getLong("created_at")));

    private final Database db;

    public ArtifactStore(Database db) {
        this.db = db;
    }

    /** Records {@code artifact}, replacing the job's artifact of the same name; returns the replaced one. */
    public Optional<Artifact> put(Artifact artifact) {
        return db.jdbi().inTransaction(h -> {
            var old = h.createQuery("SELECT " + COLUMNS + " FROM job_artifacts WHERE job_id = :job AND name = :name")
                    .bind("job", artifact.jobId())
                    .bind("name", artifact.name())
                    .map(ROW)
                    .findOne();
            old.ifPresent(o -> h.createUpdate("DELETE FROM job_artifacts WHERE artifact_id = :id").bind("id", o.artifactId())
                    .execute());
            h.createUpdate("INSERT INTO job_artifacts (" + COLUMNS + ") VALUES (:id, :job, :step, :name, :type, :size, :key, "
                            + ":created)")
                    .bind("id", artifact.artifactId())
                    .bind("job", artifact.jobId())
                    .bind("step", artifact.stepName())
                    .bind("name", artifact.name())
                    .bind("type", artifact.contentType())
                    .bind("size", artifact.sizeBytes())
                    .bind("key", artifact.storageKey())
                    .bind("created", artifact.createdAt().toEpochMilli())
                    .execute();
            return old;
        });
    }

    /** The job's artifacts by name. */
    public List<Artifact> ofJob(String jobId) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM job_artifacts WHERE job_id = :job "
                        + "ORDER BY name")
                .bind("job", jobId)
                .map(ROW)
                .list());
    }

    public Optional<Artifact> find(String jobId, String name) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM job_artifacts WHERE job_id = :job "
                        + "AND name = :name")
                .bind("job", jobId)
                .bind("name", name)
                .map(ROW)
                .findOne());
    }

    /** Bytes of the job's artifacts other than {@code exceptName} (the one an upload would replace). */
    public long bytesOfJobExcept(String jobId, String exceptName) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT COALESCE(SUM(size_bytes), 0) FROM job_artifacts "
                        + "WHERE job_id = :job AND name <> :name")
                .bind("job", jobId)
                .bind("name", exceptName)
                .mapTo(Long.class)
                .one());
    }

    public List<Artifact> ofStep(String jobId, String stepName) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM job_artifacts WHERE job_id = :job "
                        + "AND step_name = :step")
                .bind("job", jobId)
                .bind("step", stepName)
                .map(ROW)
                .list());
    }

    public void delete(String artifactId) {
        db.jdbi().useHandle(h -> h.createUpdate("DELETE FROM job_artifacts WHERE artifact_id = :id").bind("id", artifactId)
                .execute());
    }
}
