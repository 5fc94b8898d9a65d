package dev.stroem.logs;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Archive object keys: {@code {prefix}{workspace}/{task}/YYYY/MM/DD/YYYY-MM-DDTHH-MM-SS_{job_id}.jsonl.gz},
 * date and time being the job's creation time in UTC. Workspace, task and job id must pass
 * {@link SafeName}; the prefix (operator configuration, e.g. {@code logs/}) may contain
 * {@code /} but no {@code ..} segment, backslash, control character or leading {@code /}.
 */
public final class ArchiveKey {

    private static final DateTimeFormatter LAYOUT =
            DateTimeFormatter.ofPattern("uuuu/MM/dd/uuuu-MM-dd'T'HH-mm-ss").withZone(ZoneOffset.UTC);

    private ArchiveKey() {}

    /** The key of a job's archived log. */
    public static String of(String prefix, String workspace, String task, Instant createdAt, String jobId) {
        String p = checkPrefix(prefix);
        return p + SafeName.require("workspace", workspace) + '/' + SafeName.require("task", task) + '/'
                + LAYOUT.format(createdAt) + '_' + SafeName.require("job id", jobId) + ".jsonl.gz";
    }

    /** The key of {@code ref}'s archived log. */
    public static String of(String prefix, JobLogRef ref) {
        return of(prefix, ref.workspace(), ref.taskName(), ref.createdAt(), ref.jobId());
    }

    /** {@code prefix}, or {@code ""} for null, when it is a safe key prefix. */
    public static String checkPrefix(String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            return "";
        }
        String problem = null;
        if (prefix.startsWith("/")) {
            problem = "must not start with '/'";
        } else if (prefix.indexOf('\\') >= 0) {
            problem = "must not contain '\\'";
        } else if (prefix.chars().anyMatch(Character::isISOControl)) {
            problem = "must not contain control characters";
        } else {
            for (String segment : prefix.split("/")) {
                if (segment.equals("..") || segment.equals(".")) {
                    problem = "must not contain a '" + segment + "' segment";
                }
            }
        }
        if (problem != null) {
            throw new IllegalArgumentException("invalid archive prefix \"" + prefix + "\": " + problem);
        }
        return prefix;
    }
}
