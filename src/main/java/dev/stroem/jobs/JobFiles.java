package dev.stroem.jobs;

import java.util.List;
import java.util.Map;

/**
 * The files kept with a job besides its log (its artifacts), as the job room needs them: for the
 * {@code hook.artifacts} context of its hooks, and deleted with it by retention. Implemented
 * outside this room (the artifacts room), so the job room does not depend on it.
 */
public interface JobFiles {
    JobFiles NONE = new JobFiles() {
        @Override
        public List<Map<String, Object>> hookView(String jobId) {
            return List.of();
        }

        @Override
        public void deleteOf(String jobId) {
        }
    };

    /** The job's files as hooks see them ({@code name, content_type, size_bytes, url, step_name, created_at}). */
    List<Map<String, Object>> hookView(String jobId);

    /** Deletes every file of the job; throws when the store fails (retention keeps the job for the next round). */
    void deleteOf(String jobId);
}
