package dev.stroem.web;

import dev.stroem.artifacts.Artifact;
import dev.stroem.artifacts.ArtifactException;
import dev.stroem.artifacts.Artifacts;
import dev.stroem.jobs.store.JobStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Job artifacts over HTTP: the worker's upload ({@code POST /worker/jobs/{id}/steps/{step}/artifacts/<name>},
 * streamed into the store) and clean-up ({@code DELETE …/artifacts}), and the public list and
 * download ({@code GET /api/jobs/{id}/artifacts[/<name>]}) with {@code Range}, an exact
 * {@code Content-Length} and {@code nosniff}. Only types a browser cannot run are shown inline;
 * HTML, SVG and everything else download as attachments, so an artifact cannot script this origin.
 */
public final class ArtifactsApi {
    /** Types safe to render on this origin (as the original lists them). */
    static final Set<String> INLINE_TYPES = Set.of("image/png", "image/jpeg", "image/gif", "image/webp",
            "application/pdf", "text/plain", "text/markdown");
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    private final Artifacts artifacts;
    private final JobStore jobs;

    public ArtifactsApi(Artifacts artifacts, JobStore jobs) {
        this.artifacts = artifacts;
        this.jobs = jobs;
    }

    public void register(RoutesConfig routes) {
        routes.exception(ArtifactException.class, (e, ctx) -> ErrorResponses.write(ctx, status(e), e.getMessage()));
        routes.post("/worker/jobs/{job_id}/steps/{step}/artifacts/<name>", this::upload);
        routes.delete("/worker/jobs/{job_id}/steps/{step}/artifacts", this::deleteStep);
        routes.get("/api/jobs/{id}/artifacts", this::list, Access.VIEW_JOB);
        routes.get("/api/jobs/{id}/artifacts/<name>", this::download, Access.VIEW_JOB);
    }

    private static int status(ArtifactException e) {
        return switch (e.kind()) {
            case BAD_REQUEST -> 400;
            case NOT_FOUND -> 404;
            case TOO_LARGE -> 413;
            case UNAVAILABLE -> 503;
        };
    }

    private void upload(Context ctx) throws IOException {
        String jobId = IdParams.require("job id", ctx.pathParam("job_id"));
        var job = jobs.findJob(jobId).orElseThrow(() -> new NotFoundResponse("no job with id " + jobId));
        long declared = ctx.req().getContentLengthLong();
        // Read straight from the request: the file goes to the store as it arrives.
        try (InputStream body = ctx.req().getInputStream()) {
            var stored = artifacts.upload(job.workspace(), jobId, ctx.pathParam("step"), ctx.pathParam("name"),
                    ctx.header("Content-Type"), declared, body);
            var answer = new LinkedHashMap<String, Object>();
            answer.put("id", stored.artifactId());
            answer.put("name", stored.name());
            answer.put("size_bytes", stored.sizeBytes());
            answer.put("content_type", stored.contentType());
            ctx.status(201).json(answer);
        }
    }

    private void deleteStep(Context ctx) {
        String jobId = IdParams.require("job id", ctx.pathParam("job_id"));
        jobs.findJob(jobId).orElseThrow(() -> new NotFoundResponse("no job with id " + jobId));
        artifacts.deleteStep(jobId, ctx.pathParam("step"));
        ctx.status(204);
    }

    private void list(Context ctx) {
        String jobId = ctx.pathParam("id");
        jobs.findJob(jobId).orElseThrow(() -> new NotFoundResponse("no job with id " + jobId));
        String base = ctx.scheme() + "://" + ctx.host();
        ctx.json(artifacts.list(jobId).stream().map(a -> view(a, base)).toList());
    }

    /** One artifact as the list and {@code hook.artifacts} show it. */
    public static Map<String, Object> view(Artifact a, String baseUrl) {
        var body = new LinkedHashMap<String, Object>();
        body.put("name", a.name());
        body.put("content_type", a.contentType());
        body.put("size_bytes", a.sizeBytes());
        body.put("step_name", a.stepName());
        body.put("created_at", a.createdAt().toString());
        body.put("url", baseUrl + "/api/jobs/" + a.jobId() + "/artifacts/" + encodePath(a.name()));
        return body;
    }

    static String encodePath(String name) {
        var parts = name.split("/", -1);
        var out = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                out.append('/');
            }
            out.append(URLEncoder.encode(parts[i], StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return out.toString();
    }

    private void download(Context ctx) throws IOException {
        String jobId = ctx.pathParam("id");
        String name = ctx.pathParam("name");
        jobs.findJob(jobId).orElseThrow(() -> new NotFoundResponse("no job with id " + jobId));
        var artifact = artifacts.find(jobId, name)
                .orElseThrow(() -> new NotFoundResponse("job " + jobId + " has no artifact named \"" + name + "\""));
        long size = artifact.sizeBytes();
        long start = 0;
        long end = size - 1;
        boolean partial = false;
        String range = ctx.header("Range");
        if (range != null) {
            var m = RANGE.matcher(range.trim());
            // Several ranges, or a unit other than bytes: ignored, the whole file is sent (RFC 9110 allows it).
            if (m.matches() && !(m.group(1).isEmpty() && m.group(2).isEmpty())) {
                if (m.group(1).isEmpty()) {
                    long suffix = Long.parseLong(m.group(2));
                    start = Math.max(0, size - suffix);
                } else {
                    start = Long.parseLong(m.group(1));
                    if (!m.group(2).isEmpty()) {
                        end = Math.min(end, Long.parseLong(m.group(2)));
                    }
                }
                if (start >= size || start > end) {
                    ctx.header("Content-Range", "bytes */" + size);
                    ErrorResponses.write(ctx, 416, "range not satisfiable: the artifact has " + size + " bytes");
                    return;
                }
                partial = true;
            }
        }
        long length = size == 0 ? 0 : end - start + 1;
        var res = ctx.res();
        res.setStatus(partial ? 206 : 200);
        res.setContentType(artifact.contentType());
        res.setHeader("X-Content-Type-Options", "nosniff");
        res.setHeader("Accept-Ranges", "bytes");
        res.setHeader("Cache-Control", "private, no-cache");
        // Sandboxed even where a browser renders it: no script of the artifact runs as this origin.
        res.setHeader("Content-Security-Policy", "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'");
        String fileName = name.substring(name.lastIndexOf('/') + 1);
        String disposition = LogsApi.contentDisposition(fileName);
        res.setHeader("Content-Disposition", inline(artifact.contentType()) ? disposition.replaceFirst("^attachment", "inline")
                : disposition);
        if (partial) {
            res.setHeader("Content-Range", "bytes " + start + "-" + end + "/" + size);
        }
        res.setContentLengthLong(length);
        if (length == 0) {
            return;
        }
        try (InputStream in = artifacts.open(artifact, start); OutputStream out = res.getOutputStream()) {
            byte[] buffer = new byte[64 * 1024];
            long left = length;
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new IOException("the artifact store ended the object early");
                }
                out.write(buffer, 0, n);
                left -= n;
            }
        }
    }

    static boolean inline(String contentType) {
        String media = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return INLINE_TYPES.contains(media);
    }
}
