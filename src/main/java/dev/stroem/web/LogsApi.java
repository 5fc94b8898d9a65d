package dev.stroem.web;


import com.fasterxml.jackson.core.JsonFactory;
import dev.stroem.jobs.Job;
import dev.stroem.jobs.JobLogRefs;
import dev.stroem.jobs.store.JobStore;
import dev.stroem.logs.JobLogRead;
import dev.stroem.logs.JobLogReader;
import dev.stroem.logs.JsonlCodec;
import dev.stroem.logs.LogLine;
import dev.stroem.logs.LogQuery;
import dev.stroem.logs.LogStream;
import dev.stroem.logs.LogTextSearch;
import io.javalin.config.RoutesConfig;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Log reads: {@code GET /api/jobs/{id}/logs}, {@code /steps/{step}/logs} and {@code /logs/raw},
 * in the original's {@code {"logs":"<jsonl>"}} shape plus the newer original's {@code tail_bytes}
 * / {@code full} and our {@code offset}/{@code limit}/{@code tail}/{@code stream}. Every answer
 * says where its lines came from in {@code X-Stroem-Log-Source}; memory stays bounded whatever
 * the log's size (pages are capped, full reads stream).
 */
public final class LogsApi {
    static final String SOURCE_HEADER = "X-Stroem-Log-Source";
    static final String NDJSON = "application/x-ndjson";
    private static final JsonFactory JSON = new JsonFactory();
    /** A page with {@code offset} but no {@code limit} returns at most this many lines. */
    static final int DEFAULT_PAGE_LINES = 10_000;
    static final int MAX_PAGE_LINES = 100_000;
    static final int DEFAULT_SEARCH_HITS = 1_000;
    static final int MAX_SEARCH_HITS = 10_000;
    static final int MAX_SEARCH_CHARS = 1_000;
    private final LogTextSearch textSearch = new LogTextSearch(new JsonlCodec());

    private final JobStore jobs;
    private final JobLogRefs refs;
    private final JobLogReader reader;
    private final long tailDefaultBytes;

    public LogsApi(JobStore jobs, JobLogRefs refs, JobLogReader reader, long tailDefaultBytes) {
        this.jobs = jobs;
        this.refs = refs;
        this.reader = reader;
        this.tailDefaultBytes = tailDefaultBytes;
    }

    void register(RoutesConfig routes) {
        routes.get("/api/jobs/{id}/logs", ctx -> read(ctx, null), Access.VIEW_JOB);
        routes.get("/api/jobs/{id}/steps/{step}/logs", ctx -> read(ctx, ctx.pathParam("step")), Access.VIEW_JOB);
        routes.get("/api/jobs/{id}/logs/raw", this::raw, Access.VIEW_JOB);
        routes.get("/api/jobs/{id}/logs/search", this::search, Access.VIEW_JOB);
    }

    /**
     * <b>Extension</b> {@code GET /api/jobs/{id}/logs/search?q=&step=&stream=&offset=&limit=}: the
     * positions of the lines (at or after {@code offset}) whose visible text contains {@code q},
     * case-insensitively, over the whole log wherever it is stored (local, archive or merged), as
     * {@code {"positions":[…],"truncated":bool,"next_offset":N}}; a truncated answer continues from
     * {@code next_offset}. The web UI searches logs too large to hold in the page with it.
     */
    private void search(Context ctx) throws IOException {
        var job = job(ctx);
        String q = ctx.queryParam("q");
        if (q == null || q.isEmpty()) {
            throw new BadRequestResponse("q: the text to search for is missing");
        }
        if (q.length() > MAX_SEARCH_CHARS) {
            throw new BadRequestResponse("q: at most " + MAX_SEARCH_CHARS + " characters");
        }
        String step = JobsApi.blankToNull(ctx.queryParam("step"));
        if (step != null) {
            requireStep(job, step);
        }
        Long offset = longParam(ctx, "offset", 0, Long.MAX_VALUE);
        Long limit = longParam(ctx, "limit", 1, MAX_SEARCH_HITS);
        var query = LogQuery.all().withStep(step).withStream(streamParam(ctx)).withOffset(offset == null ? 0 : offset);
        try (JobLogRead read = reader.read(refs.of(job), query)) {
            var found = textSearch.find(read.cursor(), q, limit == null ? DEFAULT_SEARCH_HITS : limit.intValue());
            ctx.header(SOURCE_HEADER, read.source().headerValue());
            var body = new java.util.LinkedHashMap<String, Object>();
            body.put("positions", found.positions());
            body.put("truncated", found.truncated());
            body.put("next_offset", found.nextOffset());
            ctx.json(body);
        }
    }

    private void read(Context ctx, String step) throws IOException {
        var job = job(ctx);
        if (step != null) {
            requireStep(job, step);
        }
        var stream = streamParam(ctx);
        boolean full = "true".equalsIgnoreCase(ctx.queryParam("full"));
        Long tailBytes = longParam(ctx, "tail_bytes", 0, Long.MAX_VALUE);
        Long offset = longParam(ctx, "offset", 0, Long.MAX_VALUE);
        Long limit = longParam(ctx, "limit", 1, MAX_PAGE_LINES);
        Long tail = longParam(ctx, "tail", 0, MAX_PAGE_LINES);
        if (full && tailBytes != null) {
            throw new BadRequestResponse("tail_bytes and full=true cannot be combined");
        }
        int paging = (limit != null ? 1 : 0) + (tail != null ? 1 : 0) + (tailBytes != null ? 1 : 0);
        if (paging > 1 || (full && (limit != null || tail != null))) {
            throw new BadRequestResponse("limit, tail, tail_bytes and full=true exclude each other");
        }
        if (tail != null && offset != null) {
            throw new BadRequestResponse("tail and offset cannot be combined");
        }
        var query = LogQuery.all().withStep(step).withStream(stream).withOffset(offset == null ? 0 : offset);
        if (full) {
            streamNdjson(ctx, job, query);
            return;
        }
        boolean paged = offset != null || limit != null || tail != null || stream != null;
        if (tail != null) {
            query = query.withTail(tail.intValue());
        } else if (limit != null || offset != null) {
            query = query.withLimit(limit != null ? limit : DEFAULT_PAGE_LINES);
        } else {
            query = query.withTailBytes(tailBytes != null ? tailBytes : tailDefaultBytes);
        }
        try (JobLogRead read = reader.read(refs.of(job), query)) {
            var cursor = read.cursor();
            ctx.header(SOURCE_HEADER, read.source().headerValue());
            ctx.contentType("application/json");
            // The envelope is streamed: a tail of several MiB never sits in the heap as one string.
            try (var json = JSON.createGenerator(ctx.outputStream())) {
                json.writeStartObject();
                json.writeFieldName("logs");
                json.writeString(new LogLinesReader(cursor), -1);
                var window = cursor.byteWindow();
                if (window.isPresent() && window.get().truncated()) {
                    json.writeBooleanField("truncated", true);
                    json.writeNumberField("total_bytes", window.get().totalBytes());
                    json.writeNumberField("returned_bytes", window.get().returnedBytes());
                }
                if (paged) {
                    json.writeNumberField("next_offset", cursor.nextOffset());
                }
                json.writeEndObject();
            }
        }
    }

    private void raw(Context ctx) throws IOException {
        var job = job(ctx);
        String step = JobsApi.blankToNull(ctx.queryParam("step"));
        if (step != null) {
            requireStep(job, step);
        }
        var query = LogQuery.all().withStep(step).withStream(streamParam(ctx));
        ctx.header("Content-Disposition", contentDisposition(job.jobId() + (step == null ? "" : "-" + step) + ".jsonl"));
        streamNdjson(ctx, job, query);
    }

    /**
     * {@code attachment} with the file name as RFC 6266 wants it: an ASCII fallback in quotes
     * (quotes, backslashes, control and non-ASCII characters replaced by {@code _}) and the exact
     * name in {@code filename*} (UTF-8, percent-encoded). A step name can hold any of these.
     */
    static String contentDisposition(String fileName) {
        var ascii = new StringBuilder(fileName.length());
        var encoded = new StringBuilder(fileName.length() * 3);
        for (int i = 0; i < fileName.length(); i++) {
            char c = fileName.charAt(i);
            ascii.append(c < 0x20 || c >= 0x7f || c == '"' || c == '\\' ? '_' : c);
        }
        for (byte b : fileName.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            int v = b & 0xff;
            boolean attrChar = (v >= 'a' && v <= 'z') || (v >= 'A' && v <= 'Z') || (v >= '0' && v <= '9')
                    || "!#$&+-.^_`|~".indexOf(v) >= 0;
            if (attrChar) {
                encoded.append((char) v);
            } else {
                encoded.append('%').append(Character.toUpperCase(Character.forDigit(v >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(v & 0xf, 16)));
            }
        }
        return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
    }

    private void streamNdjson(Context ctx, Job job, LogQuery query) throws IOException {
        JobLogRead read = reader.read(refs.of(job), query);
        ctx.header(SOURCE_HEADER, read.source().headerValue());
        ctx.contentType(NDJSON);
        // Written straight to the response as it is read: a 2 GB log downloads in bounded memory.
        try (read; var out = ctx.outputStream()) {
            read.cursor().writeTo(out);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private Job job(Context ctx) {
        String id = ctx.pathParam("id");
        return jobs.findJob(id).orElseThrow(() -> new NotFoundResponse("no job with id " + id));
    }

    private void requireStep(Job job, String step) {
        if (!LogLine.SERVER_STEP.equals(step) && !jobs.hasStep(job.jobId(), step)) {
            throw new NotFoundResponse("job " + job.jobId() + " has no step named \"" + step + "\"");
        }
    }

    private static LogStream streamParam(Context ctx) {
        String s = JobsApi.blankToNull(ctx.queryParam("stream"));
        if (s == null) {
            return null;
        }
        return LogStream.fromWireName(s)
                .orElseThrow(() -> new BadRequestResponse("stream: must be \"stdout\" or \"stderr\", got \"" + s + "\""));
    }

    private static Long longParam(Context ctx, String name, long min, long max) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            long v = Long.parseLong(raw.trim());
            if (v < min || v > max) {
                throw new BadRequestResponse(name + ": must be between " + min + " and " + max + ", got " + v);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new BadRequestResponse(name + ": expected a whole number, got \"" + raw + "\"");
        }
    }
}
