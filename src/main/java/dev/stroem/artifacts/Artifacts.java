package dev.stroem.artifacts;

import dev.stroem.storage.ObjectStore;
import dev.stroem.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Job artifacts: files a step produced, uploaded by the worker one by one and kept in an object
 * store (the artifact archive, or the log archive under the artifact prefix) at
 * {@code {prefix}{workspace}/{job_id}/{step}/{name}}. An upload is streamed straight into the
 * store (never whole in memory) and its limits are checked before (the declared length) and while
 * (the bytes counted) it streams: past a limit the store abandons the object, so nothing is kept.
 * The row is written only after the object is complete; an upload of an existing name replaces it.
 */
public final class Artifacts {
    private static final Logger log = LoggerFactory.getLogger(Artifacts.class);
    private static final Pattern CONTENT_TYPE = Pattern.compile("[A-Za-z0-9!#$&^_.+-]{1,127}/[A-Za-z0-9!#$&^_.+-]{1,127}"
            + "(\\s*;[^\\p{Cntrl}]{0,200})?");
    public static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";

    /** Where the bytes go and the limits, from {@code artifact_storage}; {@code store} is null when no backend exists. */
    public record Settings(ObjectStore store, String keyPrefix, long maxFileBytes, long maxJobBytes) {}

    private final ArtifactStore rows;
    private final Settings settings;
    private final Clock clock;

    public Artifacts(ArtifactStore rows, Settings settings, Clock clock) {
        this.rows = rows;
        this.settings = settings;
        this.clock = clock;
    }

    public boolean enabled() {
        return settings.store() != null;
    }

    public long maxFileBytes() {
        return settings.maxFileBytes();
    }

    /**
     * Stores one uploaded file of {@code step} of the job, streaming {@code body}; {@code declaredLength}
     * is the request's Content-Length or -1. TOO_LARGE past a limit, BAD_REQUEST for a bad name.
     */
    public Artifact upload(String workspace, String jobId, String step, String name, String contentType,
            long declaredLength, InputStream body) {
        ArtifactNames.check("step", step, false);
        ArtifactNames.check("artifact name", name, true);
        var store = requireStore();
        long others = rows.bytesOfJobExcept(jobId, name);
        long allowed = Math.min(settings.maxFileBytes(), settings.maxJobBytes() - others);
        if (declaredLength > settings.maxFileBytes()) {
            throw tooLarge(name, declaredLength);
        }
        if (declaredLength >= 0 && declaredLength > allowed) {
            throw jobTooLarge(jobId, others, declaredLength);
        }
        String key = settings.keyPrefix() + workspace + "/" + jobId + "/" + step + "/" + name;
        long[] written = {0};
        try {
            store.put(key, out -> written[0] = copyWithin(body, out, allowed, name, jobId, others));
        } catch (ArtifactException e) {
            throw e;
        } catch (StorageException e) {
            log.warn("job {}: artifact {} of step {} could not be stored: {}", jobId, name, step, e.getMessage());
            throw new ArtifactException(ArtifactException.Kind.UNAVAILABLE, "the artifact store is unavailable: "
                    + e.getMessage());
        } catch (java.io.UncheckedIOException e) {
            // The upload itself broke off (the worker went away): nothing was kept.
            throw new ArtifactException(ArtifactException.Kind.BAD_REQUEST, "the upload of \"" + name
                    + "\" broke off: " + e.getCause().getMessage());
        }
        var artifact = new Artifact(UUID.randomUUID().toString(), jobId, step, name, contentType(contentType), written[0],
                key, clock.instant());
        rows.put(artifact).filter(old -> !old.storageKey().equals(key)).ifPresent(old -> deleteObject(old));
        return artifact;
    }

    private long copyWithin(InputStream body, OutputStream out, long allowed, String name, String jobId, long others)
            throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = body.read(buffer)) != -1) {
            total += n;
            if (total > settings.maxFileBytes()) {
                throw tooLarge(name, total);
            }
            if (total > allowed) {
                throw jobTooLarge(jobId, others, total);
            }
            out.write(buffer, 0, n);
        }
        return total;
    }

    /** The job's artifacts by name. */
    public List<Artifact> list(String jobId) {
        return rows.ofJob(jobId);
    }

    public Optional<Artifact> find(String jobId, String name) {
        return rows.find(jobId, name);
    }

    /** The artifact's bytes from {@code offset} on; the caller closes the stream. */
    public InputStream open(Artifact artifact, long offset) {
        try {
            return requireStore().open(artifact.storageKey(), offset).orElseThrow(() -> new ArtifactException(
                    ArtifactException.Kind.UNAVAILABLE, "the bytes of artifact \"" + artifact.name() + "\" are missing "
                    + "from the artifact store"));
        } catch (StorageException e) {
            throw new ArtifactException(ArtifactException.Kind.UNAVAILABLE, "the artifact store is unavailable: "
                    + e.getMessage());
        }
    }

    /** Drops every artifact of the step, objects first (the worker's clean-up after a failed upload). */
    public void deleteStep(String jobId, String step) {
        ArtifactNames.check("step", step, false);
        for (Artifact a : rows.ofStep(jobId, step)) {
            deleteObject(a);
            rows.delete(a.artifactId());
        }
    }

    /**
     * Drops every artifact of the job, objects first (retention): a failure leaves the rows, so
     * the next round tries again and no object is forgotten.
     */
    public void deleteJob(String jobId) {
        for (Artifact a : rows.ofJob(jobId)) {
            if (settings.store() != null) {
                settings.store().delete(a.storageKey());
            }
            rows.delete(a.artifactId());
        }
    }

    private void deleteObject(Artifact a) {
        if (settings.store() != null) {
            try {
                settings.store().delete(a.storageKey());
            } catch (StorageException e) {
                log.warn("job {}: the object of artifact {} could not be deleted ({}); it stays as an orphan", a.jobId(),
                        a.name(), e.getMessage());
            }
        }
    }

    private ObjectStore requireStore() {
        if (settings.store() == null) {
            throw new ArtifactException(ArtifactException.Kind.UNAVAILABLE, "this server keeps no artifacts: configure "
                    + "artifact_storage.archive or log_storage.archive");
        }
        return settings.store();
    }

    static String contentType(String given) {
        if (given == null || given.isBlank() || !CONTENT_TYPE.matcher(given.trim()).matches()) {
            return DEFAULT_CONTENT_TYPE;
        }
        return given.trim();
    }

    private ArtifactException tooLarge(String name, long bytes) {
        return new ArtifactException(ArtifactException.Kind.TOO_LARGE, "artifact \"" + name + "\" is larger than "
                + "artifact_storage.max_file_bytes (" + settings.maxFileBytes() + " bytes; got at least " + bytes + ")");
    }

    private ArtifactException jobTooLarge(String jobId, long others, long bytes) {
        return new ArtifactException(ArtifactException.Kind.TOO_LARGE, "the artifacts of job " + jobId + " would exceed "
                + "artifact_storage.max_job_bytes (" + settings.maxJobBytes() + " bytes; " + others + " stored, this one "
                + "at least " + bytes + ")");
    }
}
