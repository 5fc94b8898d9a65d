package dev.stroem.web;

import dev.stroem.auth.AccessPolicy;
import dev.stroem.jobs.store.JobStore;
import dev.stroem.workflow.WorkspaceCatalog;
import java.util.Optional;

/** Where the ACL looks: a task's workspace and path ({@code folder/name}), for a task or a job. */
public final class TaskRefs {

    /** A task as the ACL rules match it. */
    public record TaskRef(String workspace, String taskPath) {}

    private final WorkspaceCatalog catalog;
    private final JobStore jobs;

    public TaskRefs(WorkspaceCatalog catalog, JobStore jobs) {
        this.catalog = catalog;
        this.jobs = jobs;
    }

    /** The task's ref; a task not (or no longer) in the catalog is matched by its name alone. */
    public TaskRef task(String workspace, String taskName) {
        String folder = catalog.snapshot().workspace(workspace).flatMap(ws -> ws.task(taskName))
                .map(t -> t.folder()).orElse(null);
        return new TaskRef(workspace, AccessPolicy.taskPath(folder, taskName));
    }

    /** The ref of the job's task; empty for an unknown job. */
    public Optional<TaskRef> ofJob(String jobId) {
        return jobs.findJob(jobId).map(job -> task(job.workspace(), job.taskName()));
    }
}
