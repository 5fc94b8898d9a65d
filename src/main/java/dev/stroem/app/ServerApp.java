package dev.stroem.app;


import dev.stroem.config.ServerConfig;
import dev.stroem.jobs.JobFinalizer;
import dev.stroem.jobs.JobLogRefs;
import dev.stroem.jobs.JobLogWriter;
import dev.stroem.jobs.JobStatus;
import dev.stroem.jobs.LiveLogEnding;
import dev.stroem.jobs.Orchestrator;
import dev.stroem.jobs.RecoverySweeper;
import dev.stroem.jobs.RetentionSweeper;
import dev.stroem.jobs.StepDispatcher;
import dev.stroem.jobs.StepOutputReader;
import dev.stroem.jobs.store.Database;
import dev.stroem.jobs.store.JobStore;
import dev.stroem.jobs.store.LogStateStore;
import dev.stroem.jobs.store.WorkerStore;
import dev.stroem.logs.JobLogReader;
import dev.stroem.logs.LiveLogHub;
import dev.stroem.logs.LocalLogStore;
import dev.stroem.logs.LogArchiver;
import dev.stroem.logs.archive.ArchiveUploader;
import dev.stroem.storage.ObjectStore;
import dev.stroem.storage.ObjectStoreFactory;
import dev.stroem.web.JobsApi;
import dev.stroem.web.LogStreamApi;
import dev.stroem.web.LogsApi;
import dev.stroem.web.WebServer;
import dev.stroem.web.WorkerApi;
import dev.stroem.workflow.JobPlanner;
import dev.stroem.workflow.WorkspaceCatalog;
import dev.stroem.workflow.WorkspacePoller;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server role's object graph, wired in one place: database, log engine, archive, workflow
 * catalog, orchestrator, finaliser, archive uploader and the web server. {@link #close()} stops
 * everything in reverse order.
 */
public final class ServerApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServerApp.class);

    /** How often live log streams re-read whether their job's log is complete. */
    static final Duration LIVE_LOG_ENDING_INTERVAL = Duration.ofSeconds(2);
    /** The scheduler sleeps until the next fire, but at most this long (reloads, a new leader). */
    static final Duration SCHEDULER_MAX_WAIT = Duration.ofSeconds(2);
    /** How often due retries are looked for: a retry starts at most this late. */
    static final Duration RETRY_ROUND = Duration.ofMillis(500);

    /** What was opened, closed in reverse order; shared with {@link #start} so a failed start closes it too. */
    private final Deque<AutoCloseable> closeables;
    private final WebServer web;
    private final Orchestrator orchestrator;
    private final JobStore jobs;
    private final RecoverySweeper recovery;
    private final RetentionSweeper retention;
    private final dev.stroem.triggers.CronScheduler scheduler;
    private final dev.stroem.jobs.RetryScheduler retries;

    private ServerApp(ServerConfig config, Path configDir, Clock clock, Deque<AutoCloseable> closeables) {
        this.closeables = closeables;
        var json = JsonMapper.create();
        var metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        var storage = config.logStorage();

        String nodeId = java.util.UUID.randomUUID().toString();
        var dbUrl = dev.stroem.jobs.store.DatabaseUrl.parse(config.db().url());
        if (dbUrl.kind() == dev.stroem.jobs.store.DatabaseUrl.Kind.SQLITE) {
            // One server per SQLite file: a second one refuses to start before touching it.
            own(dev.stroem.cluster.SqliteServerLock.acquire(Path.of(dbUrl.jdbcUrl().substring("jdbc:sqlite:".length()))));
        }
        var db = own(Database.open(config.db().url()));
        // The leader runs recovery and retention; on SQLite (one server) this server always leads.
        dev.stroem.cluster.LeaderGate leader = db.kind() == dev.stroem.jobs.store.DatabaseUrl.Kind.POSTGRES
                ? own(new dev.stroem.cluster.PostgresLeader(db.url(), nodeId, Duration.ofSeconds(2)).start())
                : dev.stroem.cluster.LeaderGate.singleNode();
        Gauge.builder("stroem_leader_status", leader, l -> l.isLeader() ? 1 : 0)
                .description("1 while this server is the leader (recovery, retention, scheduling), else 0")
                .strongReference(true) // the single-node gate is held by nothing else
                .register(metrics);
        // Wake-up hints between replicas (PostgreSQL) or within this one server (SQLite).
        dev.stroem.cluster.ClusterHints hints = db.kind() == dev.stroem.jobs.store.DatabaseUrl.Kind.POSTGRES
                ? own(new dev.stroem.cluster.PostgresHints(db.url(), nodeId).start())
                : own(new dev.stroem.cluster.InProcessHints());
        // A step made ready on any replica wakes the claims waiting for work on every replica.
        jobs = new JobStore(db, json, () -> hints.publish(dev.stroem.cluster.ClusterHints.STEPS_READY, ""));
        var logStates = new LogStateStore(db);
        var workers = new WorkerStore(db, json);

        var store = own(new LocalLogStore(Path.of(storage.localDir())));
        var archiveConfig = storage.effectiveArchive();
        ObjectStore archive = archiveConfig.map(ObjectStoreFactory::create).orElse(null);
        if (archive instanceof AutoCloseable closeable) {
            own(closeable);
        }
        String prefix = archiveConfig.map(a -> a.prefix() == null ? "" : a.prefix()).orElse("");
        var artifacts = artifacts(config, db, archive, prefix, clock);
        var states = states(config, db, archive, prefix, clock);
        var refs = new JobLogRefs(jobs, logStates);
        // Replicas on PostgreSQL: the shared log is the database's chunks; this server's files follow them.
        boolean replicated = db.kind() == dev.stroem.jobs.store.DatabaseUrl.Kind.POSTGRES;
        var chunks = new dev.stroem.jobs.store.LogChunkStore(db);
        var follower = replicated ? own(new dev.stroem.logs.replica.ChunkFollower(store, chunks, archive, refs::of, metrics)) : null;
        dev.stroem.logs.LocalLogSync sync = replicated ? follower : dev.stroem.logs.LocalLogSync.NONE;
        var reader = new JobLogReader(store, archive, prefix, mergeSettings(storage.read()), sync);
        var streamConfig = storage.stream();
        var hub = own(new LiveLogHub(store, LiveLogHub.Options.defaults().withBufferBytes(streamConfig.bufferBytes()), sync));
        store.addListener(hub);
        dev.stroem.logs.LogAppender appender = store;
        if (replicated) {
            var chunkHints = own(new dev.stroem.logs.replica.ChunkHintPublisher(hints).start());
            appender = new dev.stroem.logs.replica.ChunkedAppender(store, chunks, follower, chunkHints, hub::isFollowed);
            follower.start(hints, hub::followedJobs);
        }

        // Revisions' archives live in the database: every replica serves the same bytes for one.
        var catalog = new WorkspaceCatalog(config.workspaces(), configDir,
                new dev.stroem.jobs.store.WorkspaceRevisionStore(db, clock));
        own(new WorkspacePoller(catalog, Duration.ofSeconds(5)));
        var planner = new JobPlanner();
        // Replicas upload the caught-up local copy, which is then the whole log: never a union.
        LogArchiver archiver = archive == null ? null
                : new LogArchiver(store, archive, prefix, replicated ? null : reader, sync);
        ArchiveUploader uploader = null;
        if (archive != null) {
            // Replicas: the chunks the archive now holds are deleted (the last one stays as the numbering anchor).
            ArchiveUploader.Archived archived = replicated ? chunks::deleteArchived : ArchiveUploader.Archived.NOTHING;
            uploader = new ArchiveUploader(logStates, archiver, refs::of, nodeId, metrics, clock, Duration.ofSeconds(2),
                    archived);
        }
        Runnable wakeUploader = uploader == null ? () -> {} : uploader::wake;
        // Every known secret is masked in each line before it is stored (so also in streams and archives).
        var masks = new dev.stroem.jobs.JobSecrets(jobs, catalog);
        var logWriter = new JobLogWriter(appender, JobLogWriter.UploadRequests.of(logStates, archive != null), clock,
                wakeUploader, masks);
        var liveLogEnding = own(new LiveLogEnding(logStates, hub));
        var finalizer = own(new JobFinalizer(jobs, logStates, catalog, planner, store, logWriter, archive != null,
                wakeUploader, liveLogEnding, clock, jobFiles(config, artifacts)));
        // Templates see the latest state values at claim time (state.*, global_state.*).
        // The claim also names the latest snapshots, so a worker skips downloading a state that does not exist.
        dev.stroem.jobs.StateValues stateValues = (ws, task) -> states.latest(ws,
                task == null ? dev.stroem.state.TaskStates.GLOBAL : task)
                .map(s -> new dev.stroem.jobs.StateValues.Latest(s.snapshotId(), states.values(s)));
        orchestrator = new Orchestrator(jobs, catalog, planner, new StepOutputReader(store, json, sync), logWriter, finalizer,
                json, clock, stateValues);

        scheduler = new dev.stroem.triggers.CronScheduler(catalog, db, jobs, orchestrator, clock);
        var triggerListing = new dev.stroem.triggers.TriggerListing(scheduler, clock);
        var triggersApi = new dev.stroem.web.TriggersApi(catalog, triggerListing);
        var webhookApi = new dev.stroem.web.WebhookApi(new dev.stroem.triggers.Webhooks(catalog, jobs, orchestrator), masks, json);

        var statusCounts = new dev.stroem.jobs.JobStatusCounts(jobs::countByStatus, System::nanoTime,
                Duration.ofSeconds(1).toNanos());
        for (var status : JobStatus.values()) {
            // A gauge holds its object weakly by default: nothing else holds statusCounts, so once
            // collected the gauge read NaN (seen as a red WorkerApiPostgresIT under load).
            Gauge.builder("stroem_jobs", statusCounts, c -> c.count(status))
                    .tag("status", status.wireName())
                    .description("Jobs by status")
                    .strongReference(true)
                    .register(metrics);
        }

        var listen = Listen.parse(config.listen());
        var authWiring = AuthWiring.create(config, db, clock);
        var guard = new dev.stroem.web.RouteGuard(authWiring.authenticator(), authWiring.policy(),
                new dev.stroem.web.TaskRefs(catalog, jobs));
        var jobsApi = new JobsApi(catalog, orchestrator, jobs, archive == null ? null : logStates, triggerListing, masks, json);
        var logsApi = new LogsApi(jobs, refs, reader, storage.read().tailDefaultBytes());
        var dispatcher = new StepDispatcher(orchestrator, StepDispatcher.START_DEADLINE);
        hints.subscribe(dev.stroem.cluster.ClusterHints.STEPS_READY, payload -> dispatcher.stepsReady());
        var workerApi = new WorkerApi(orchestrator, dispatcher, jobs, workers, logWriter, json, metrics, clock);
        var streamApi = own(new LogStreamApi(jobs, logStates::isLogComplete, refs, reader, store, hub, guard, new LogStreamApi.Settings(
                Duration.ofSeconds(streamConfig.pingIntervalSecs()),
                Duration.ofSeconds(streamConfig.unresponsiveTimeoutSecs())), metrics));
        var healthDetail = new dev.stroem.web.HealthDetailApi(config.workerToken(), () -> {
            var body = new java.util.LinkedHashMap<String, Object>();
            boolean reachable = db.isReachable();
            body.put("status", reachable ? "ok" : "unavailable");
            body.put("db", reachable ? "ok" : "unreachable");
            body.put("node", nodeId);
            body.put("leader", leader.isLeader());
            body.put("archive_queue_depth", archive == null ? null : logStates.pendingUploads());
            if (hints instanceof dev.stroem.cluster.PostgresHints postgresHints) {
                // A replica not listening gets other replicas' lines by its 1 s sweep only, until it reconnects.
                body.put("hints_listening", postgresHints.listening());
            }
            return body;
        });
        web = own(new WebServer(listen.host(), listen.port(), json, db, metrics, guard,
                new dev.stroem.web.AuthApi(authWiring.info(), authWiring.users(), authWiring.authenticator(), json), config.workerToken(),
                jobsApi, logsApi, workerApi, javalin -> {
                    streamApi.configure(javalin);
                    healthDetail.configure(javalin);
                    triggersApi.register(javalin.routes);
                    new dev.stroem.web.WorkspaceDownloadApi(catalog).register(javalin.routes);
                    webhookApi.register(javalin.routes);
                    new dev.stroem.web.StatsApi(jobs, catalog).register(javalin.routes);
                    new dev.stroem.web.WorkersApi(workers, jobs, masks).register(javalin.routes);
                    new dev.stroem.web.ArtifactsApi(artifacts, jobs).register(javalin.routes);
                    new dev.stroem.web.StateApi(states, catalog, jobs, clock).register(javalin.routes);
                }));

        retries = new dev.stroem.jobs.RetryScheduler(jobs, orchestrator,
                () -> hints.publish(dev.stroem.cluster.ClusterHints.STEPS_READY, ""), clock);
        recovery = new RecoverySweeper(jobs, workers, orchestrator, finalizer, config.recovery(), metrics, clock);
        retention = new RetentionSweeper(jobs, workers, store, archiver, refs::of, config.retention(),
                RetentionSweeper.DEFAULT_BATCH, metrics, clock, jobFiles(config, artifacts),
                replicated ? jobId -> hints.publish(dev.stroem.logs.replica.ChunkFollower.DELETED_TOPIC, jobId) : jobId -> {});

        finalizer.resumePending();
        if (uploader != null) {
            own(uploader.start());
        }
        own(recovery.start(leader::isLeader));
        own(retention.start(leader::isLeader));
        own(scheduler.start(leader::isLeader, SCHEDULER_MAX_WAIT));
        own(retries.start(leader::isLeader, RETRY_ROUND));
        own(liveLogEnding.start(LIVE_LOG_ENDING_INTERVAL));
        // Owned after the web server, so closed before it: waiting claims are answered "no work"
        // at shutdown instead of being cut off by the stopping server.
        own(dispatcher.start());
        try {
            web.start();
        } catch (RuntimeException e) {
            throw PortInUseException.isBindFailure(e) ? new PortInUseException(listen.host(), listen.port(), e) : e;
        }
        log.info("Strøm server listening on http://{}:{} (database {}, logs in {}{})", listen.host(), web.port(),
                db.kind().name().toLowerCase(java.util.Locale.ROOT), storage.localDir(),
                archive == null ? "" : ", archive " + archive.describe());
    }

    /**
     * Starts a server from a loaded config; relative workspace paths resolve against {@code configDir}.
     *
     * @throws PortInUseException when the {@code listen} address is taken (nothing is left open then)
     */
    public static ServerApp start(ServerConfig config, Path configDir) {
        return start(config, configDir, Clock.systemUTC());
    }

    /** Starts a server whose every timestamp, timeout and schedule decision reads {@code clock}. */
    public static ServerApp start(ServerConfig loaded, Path configDir, Clock clock) {
        // Defaults are resolved here once (a loaded file has them already; a config built in code may not).
        var config = loaded.withDefaults();
        var listen = Listen.parse(config.listen());
        PortInUseException.checkFree(listen.host(), listen.port());
        var opened = new ArrayDeque<AutoCloseable>();
        try {
            return new ServerApp(config, configDir, clock, opened);
        } catch (RuntimeException | Error e) {
            // Whatever was opened before the failure (the pool, log files, threads) is closed, not leaked.
            closeAll(opened);
            throw e;
        }
    }

    /** Where merged reads spill: {@code log_storage.read.merge_spill_dir}, else {@code java.io.tmpdir}. */
    private static JobLogReader.MergeSettings mergeSettings(dev.stroem.config.LogReadConfig read) {
        var defaults = JobLogReader.MergeSettings.defaults();
        return read.mergeSpillDir() == null ? defaults
                : new JobLogReader.MergeSettings(Path.of(read.mergeSpillDir()), defaults.spillThresholdBytes());
    }

    private <T extends AutoCloseable> T own(T closeable) {
        closeables.push(closeable);
        return closeable;
    }

    public int port() {
        return web.port();
    }

    public Orchestrator orchestrator() {
        return orchestrator;
    }

    public JobStore jobs() {
        return jobs;
    }

    /** The recovery sweeper, for a sweep on demand. */
    public RecoverySweeper recoverySweeper() {
        return recovery;
    }

    /**
     * {@code artifact_storage}: its own archive (under the archive's and the artifact prefix), else
     * the log archive under the artifact prefix, else none (uploads are refused with a 503).
     */
    private dev.stroem.artifacts.Artifacts artifacts(ServerConfig config, dev.stroem.jobs.store.Database db,
            ObjectStore logArchive, String logPrefix, Clock clock) {
        var settings = config.artifactStorage();
        ObjectStore store = logArchive;
        String keyPrefix = logPrefix + settings.prefix();
        if (settings.archive() != null) {
            store = ObjectStoreFactory.create(settings.archive());
            if (store instanceof AutoCloseable closeable) {
                own(closeable);
            }
            keyPrefix = (settings.archive().prefix() == null ? "" : settings.archive().prefix()) + settings.prefix();
        }
        return new dev.stroem.artifacts.Artifacts(new dev.stroem.artifacts.ArtifactStore(db),
                new dev.stroem.artifacts.Artifacts.Settings(store, keyPrefix, settings.maxFileBytes(), settings.maxJobBytes()),
                clock);
    }

    /** {@code state_storage}: its own archive, else the log archive under the state prefix, else none (503). */
    private dev.stroem.state.TaskStates states(ServerConfig config, dev.stroem.jobs.store.Database db,
            ObjectStore logArchive, String logPrefix, Clock clock) {
        var settings = config.stateStorage();
        ObjectStore store = logArchive;
        String keyPrefix = logPrefix + settings.prefix();
        if (settings.archive() != null) {
            store = ObjectStoreFactory.create(settings.archive());
            if (store instanceof AutoCloseable closeable) {
                own(closeable);
            }
            keyPrefix = (settings.archive().prefix() == null ? "" : settings.archive().prefix()) + settings.prefix();
        }
        return new dev.stroem.state.TaskStates(new dev.stroem.state.SnapshotStore(db),
                new dev.stroem.state.TaskStates.Settings(store, keyPrefix, settings.maxSnapshots()), JsonMapper.create(),
                clock);
    }

    /** The job room's view of artifacts: {@code hook.artifacts} (URLs on {@code auth.base_url} when set) and retention. */
    private static dev.stroem.jobs.JobFiles jobFiles(ServerConfig config, dev.stroem.artifacts.Artifacts artifacts) {
        String base = config.auth() != null && config.auth().baseUrl() != null
                ? config.auth().baseUrl().replaceAll("/+$", "") : "";
        return new dev.stroem.jobs.JobFiles() {
            @Override
            public java.util.List<java.util.Map<String, Object>> hookView(String jobId) {
                return artifacts.list(jobId).stream().map(a -> dev.stroem.web.ArtifactsApi.view(a, base)).toList();
            }

            @Override
            public void deleteOf(String jobId) {
                artifacts.deleteJob(jobId);
            }
        };
    }

    /** The retention sweeper, for a sweep on demand. */
    public RetentionSweeper retentionSweeper() {
        return retention;
    }

    /** The retry scheduler, for a round on demand. */
    public dev.stroem.jobs.RetryScheduler retryScheduler() {
        return retries;
    }

    /** The cron scheduler, for a round on demand. */
    public dev.stroem.triggers.CronScheduler scheduler() {
        return scheduler;
    }

    @Override
    public void close() {
        closeAll(closeables);
    }

    private static void closeAll(Deque<AutoCloseable> closeables) {
        while (!closeables.isEmpty()) {
            try {
                closeables.pop().close();
            } catch (Exception e) {
                log.warn("error while shutting down: {}", e.getMessage());
            }
        }
    }

}
