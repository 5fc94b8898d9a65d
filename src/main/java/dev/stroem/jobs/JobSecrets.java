package dev.stroem.jobs;

import dev.stroem.jobs.store.JobStore;
import dev.stroem.secrets.MaskSource;
import dev.stroem.secrets.Masker;
import dev.stroem.workflow.CatalogSnapshot;
import dev.stroem.workflow.Workspace;
import dev.stroem.workflow.WorkspaceCatalog;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What must never be shown of a job: its workspace's resolved {@code secrets:}, its connections'
 * {@code secret: true} fields (and those of workspaces whose actions its steps run), its webhooks'
 * secrets, and the values of
 * its task's {@code secret: true} inputs (for a hook job, those of the job that fired it). Kept
 * per job until the workspaces reload, so ingest asks the database once per job, not per batch.
 */
public final class JobSecrets implements MaskSource {
    private static final int CACHED_JOBS = 4096;

    private final JobStore jobs;
    private final WorkspaceCatalog catalog;
    private final Map<String, Cached> cache = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
            return size() > CACHED_JOBS;
        }
    });

    private final Map<String, Cached> workspaces = new java.util.concurrent.ConcurrentHashMap<>();

    private record Cached(CatalogSnapshot snapshot, Masker masker) {}

    public JobSecrets(JobStore jobs, WorkspaceCatalog catalog) {
        this.jobs = jobs;
        this.catalog = catalog;
    }

    @Override
    public Masker forJob(String jobId) {
        var snapshot = catalog.snapshot();
        var cached = cache.get(jobId);
        if (cached != null && cached.snapshot() == snapshot) {
            return cached.masker();
        }
        return jobs.findJob(jobId).map(job -> compute(snapshot, job)).orElse(Masker.NONE);
    }

    /**
     * {@link #forJob(String)} for a job already read (a page of the job list): the job's row is not
     * read again, only a hook job's parent is.
     */
    public Masker forJob(Job job) {
        var snapshot = catalog.snapshot();
        var cached = cache.get(job.jobId());
        if (cached != null && cached.snapshot() == snapshot) {
            return cached.masker();
        }
        return compute(snapshot, job);
    }

    private Masker compute(CatalogSnapshot snapshot, Job job) {
        var workspace = snapshot.workspace(job.workspace()).orElse(null);
        if (workspace == null) {
            return Masker.NONE;
        }
        var inputs = new ArrayList<String>();
        secretInputs(workspace, job, inputs);
        if (Job.SOURCE_HOOK.equals(job.sourceType()) && job.sourceId() != null) {
            jobs.findJob(job.sourceId()).ifPresent(parent -> secretInputs(workspace, parent, inputs));
        }
        var masker = workspaceMasker(snapshot, workspace);
        var task = workspace.task(job.taskName()).orElse(null);
        if (task != null) {
            // Another workspace's action renders with that workspace's connections (and their secrets).
            for (var step : task.flow().values()) {
                if (step.action().crossWorkspace()) {
                    var owner = snapshot.workspace(step.action().ownerWorkspace()).orElse(null);
                    if (owner != null) {
                        masker = masker.plus(workspaceMasker(snapshot, owner));
                    }
                }
            }
        }
        masker = masker.plus(inputs);
        cache.put(job.jobId(), new Cached(snapshot, masker));
        return masker;
    }

    /** The workspace's secrets and secret connection fields, built once per loaded snapshot. */
    private Masker workspaceMasker(CatalogSnapshot snapshot, Workspace workspace) {
        var known = workspaces.get(workspace.name());
        if (known != null && known.snapshot() == snapshot) {
            return known.masker();
        }
        var values = new ArrayList<String>(workspace.secrets().values());
        workspace.connections().values().forEach(c -> c.secretFields().forEach(f -> {
            Object v = c.values().get(f);
            if (v != null) {
                values.add(String.valueOf(v));
            }
        }));
        // A webhook's secret may come in a header of the call (GitLab's X-Gitlab-Token), which the job's input keeps.
        workspace.triggers().values().forEach(t -> {
            if (t instanceof dev.stroem.workflow.WebhookTrigger w && w.secret() != null) {
                values.add(w.secret());
            }
        });
        var masker = Masker.of(values);
        workspaces.put(workspace.name(), new Cached(snapshot, masker));
        return masker;
    }

    private static void secretInputs(Workspace workspace, Job job, List<String> values) {
        var task = workspace.task(job.taskName()).orElse(null);
        if (task == null || job.input() == null) {
            return;
        }
        task.input().forEach((name, field) -> {
            Object value = job.input().get(name);
            if (field.secret() && value != null) {
                if (value instanceof List<?> list) {
                    list.forEach(item -> values.add(String.valueOf(item)));
                } else {
                    values.add(String.valueOf(value));
                }
            }
        });
    }
}
