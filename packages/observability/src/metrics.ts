// The product's Prometheus metrics. Two kinds:
// - per process (counters and histograms this process records: ingest requests, rejections, commit
//   batches, SSE connections); a dashboard sums them over instances;
// - cluster-wide (gauges read from the database at scrape time: pending alerts, decided lag, job
//   queue depths, runbook outcomes); every instance reports the same figure, so a dashboard takes max.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { createDatabaseSnapshot, type DatabaseSnapshot, type Queryable } from './database-gauges.ts';

/** What an ingest rejection is called on the dashboard, by HTTP status. */
export const REJECTION_REASONS: Record<number, string> = {
  400: 'invalid',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'unavailable',
};

export function rejectionReason(status: number): string | null {
  if (status < 400) return null;
  return REJECTION_REASONS[status] ?? (status >= 500 ? 'error' : 'other');
}

export type AppMetrics = ReturnType<typeof createAppMetrics>;

export function createAppMetrics(o: { defaults?: boolean } = {}) {
  const registry = new Registry();
  if (o.defaults) collectDefaultMetrics({ register: registry, prefix: 'aw_' });
  const registers = [registry];
  let snapshot: DatabaseSnapshot | null = null;
  let snapshotDb: Queryable | null = null;

  const ingestRequests = new Counter({
    name: 'aw_ingest_requests_total',
    help: 'Ingestion requests answered, by source (webhook format) and HTTP status',
    labelNames: ['source', 'status'] as const,
    registers,
  });
  const ingestRejections = new Counter({
    name: 'aw_ingest_rejections_total',
    help: 'Ingestion requests refused, by source and reason',
    labelNames: ['source', 'reason'] as const,
    registers,
  });
  const commitBatchRequests = new Histogram({
    name: 'aw_ingest_commit_batch_requests',
    help: 'Requests committed together in one intake transaction',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers,
  });
  const commitBatchAlerts = new Histogram({
    name: 'aw_ingest_commit_batch_alerts',
    help: 'Alerts committed together in one intake transaction',
    buckets: [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500],
    registers,
  });
  // Seconds: from a millisecond to ten seconds (a turn that long is cut by its decision budget).
  const secondsBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];
  const commitSeconds = new Histogram({
    name: 'aw_ingest_commit_seconds',
    help: 'One intake transaction (group commit), from its first statement to the COMMIT answered',
    buckets: secondsBuckets,
    registers,
  });
  const writeSeconds = new Histogram({
    name: 'aw_ingest_write_seconds',
    help: 'A request in the intake writer: queued, waiting for a commit slot, committed (its 2xx waits for this)',
    buckets: secondsBuckets,
    registers,
  });
  const turnSeconds = new Histogram({
    name: 'aw_correlation_turn_seconds',
    help: 'One correlation turn (one company, one transaction), from its start to its COMMIT answered',
    buckets: secondsBuckets,
    registers,
  });
  const turnStageSeconds = new Histogram({
    name: 'aw_correlation_turn_stage_seconds',
    help: 'One correlation turn by stage (open, read, state, decide, link, write, close, commit); the stages of a turn add up to it',
    labelNames: ['stage'],
    buckets: secondsBuckets,
    registers,
  });
  const turnAlerts = new Histogram({
    name: 'aw_correlation_turn_alerts',
    help: 'Alerts decided in one correlation turn',
    buckets: [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2000],
    registers,
  });
  const sseConnections = new Gauge({
    name: 'aw_sse_connections',
    help: 'Open server-sent-event streams on this process',
    registers,
  });
  const threadRestarts = new Counter({
    name: 'aw_correlation_thread_restarts_total',
    help: 'Correlation threads (CORRELATION_THREAD) started again after they died',
    registers,
  });
  const realtimeNotify = new Histogram({
    name: 'aw_realtime_notify_seconds',
    help: "A live event's publication (its row's createdAt) to this process's LISTEN session, before the fan-out to its streams",
    buckets: secondsBuckets,
    registers,
  });
  const realtimePublish = new Histogram({
    name: 'aw_realtime_publish_seconds',
    help: "A live-event statement of this process: its events' publication (their rows' createdAt) to its answer, the commit included",
    buckets: secondsBuckets,
    registers,
  });
  const sseOpened = new Counter({
    name: 'aw_sse_connections_opened_total',
    help: 'Server-sent-event streams opened on this process',
    registers,
  });

  // Cluster-wide gauges: read at scrape time from the database this process is attached to.
  const dbUp = new Gauge({
    name: 'aw_database_up',
    help: '1 when the last scrape could read the database, 0 when it could not',
    registers,
    async collect() {
      this.set((await snapshot?.read())?.ok ? 1 : 0);
    },
  });
  const pending = new Gauge({
    name: 'aw_alerts_pending',
    help: 'Alerts stored and not yet decided by correlation (cluster-wide)',
    registers,
    async collect() {
      const s = await snapshot?.read();
      this.set(s?.ok ? s.pendingAlerts : NaN); // unknown, not "zero pending"
    },
  });
  const lag = new Gauge({
    name: 'aw_alerts_decided_lag_seconds',
    help: 'Age of the oldest undecided alert: how far correlation lags behind intake (cluster-wide)',
    registers,
    async collect() {
      const s = await snapshot?.read();
      this.set(s?.ok ? s.oldestPendingSeconds : NaN);
    },
  });
  const jobs = new Gauge({
    name: 'aw_jobs',
    help: 'Jobs in the durable queue by job name and state (QUEUED, ACTIVE, FAILED; cluster-wide)',
    labelNames: ['name', 'state'] as const,
    registers,
    async collect() {
      const s = await snapshot?.read();
      if (!s?.ok) return;
      this.reset();
      for (const j of s.jobs) this.set({ name: j.name, state: j.state }, j.count);
    },
  });
  const runbooks = new Gauge({
    name: 'aw_runbook_executions',
    help: 'Runbook executions by status (cluster-wide, as stored)',
    labelNames: ['status'] as const,
    registers,
    async collect() {
      const s = await snapshot?.read();
      if (!s?.ok) return;
      this.reset();
      for (const r of s.runbooks) this.set({ status: r.status }, r.count);
    },
  });
  const syncs = new Gauge({
    name: 'aw_compliance_syncs',
    help: 'Patch compliance syncs by status: RUNNING, SUCCEEDED, FAILED (cluster-wide, as stored)',
    labelNames: ['status'] as const,
    registers,
    async collect() {
      const s = await snapshot?.read();
      if (!s?.ok) return;
      this.reset();
      for (const r of s.syncs) this.set({ status: r.status }, r.count);
    },
  });
  void [dbUp, pending, lag, jobs, runbooks, syncs];

  return {
    registry,
    /** One ingestion request answered (any outcome). */
    ingest(source: string, status: number): void {
      ingestRequests.inc({ source, status: String(status) });
      const reason = rejectionReason(status);
      if (reason) ingestRejections.inc({ source, reason });
    },
    /** One intake transaction committed, in `seconds`. */
    commitBatch(requests: number, alerts: number, seconds?: number): void {
      commitBatchRequests.observe(requests);
      commitBatchAlerts.observe(alerts);
      if (seconds !== undefined) commitSeconds.observe(seconds);
    },
    /** One request's time in the intake writer (queued to outcome). */
    intakeWrite(seconds: number): void {
      writeSeconds.observe(seconds);
    },
    /** One correlation turn that decided `alerts` alerts in `seconds`, and that time by stage. */
    correlationTurn(alerts: number, seconds: number, stages?: Record<string, number>): void {
      turnSeconds.observe(seconds);
      turnAlerts.observe(alerts);
      for (const [stage, s] of Object.entries(stages ?? {})) turnStageSeconds.observe({ stage }, s);
    },
    /** A live event reached this process's LISTEN session `seconds` after its publication. */
    realtimeNotified(seconds: number): void {
      realtimeNotify.observe(seconds);
    },
    /** A live-event statement of this process answered `seconds` after its events' publication. */
    realtimePublished(seconds: number): void {
      realtimePublish.observe(seconds);
    },
    /** The correlation thread died and is being started again. */
    correlationThreadRestarted(): void {
      threadRestarts.inc();
    },
    sseOpened(): void {
      sseConnections.inc();
      sseOpened.inc();
    },
    sseClosed(): void {
      sseConnections.dec();
    },
    /** Reads the cluster-wide gauges from this database at scrape time. */
    attachDatabase(db: Queryable, o: { timeoutMs?: number } = {}): void {
      if (snapshotDb === db) return;
      snapshotDb = db;
      snapshot = createDatabaseSnapshot(db, o);
    },
    async render(): Promise<string> {
      return registry.metrics();
    },
    contentType: registry.contentType,
  };
}

// prom-client metrics belong to the process, and Next.js may bundle this module into several
// server chunks (route handlers, instrumentation): one instance per process, shared through a
// registered symbol, so every chunk records into the registry that /metrics renders.
const KEY = Symbol.for('@aw/observability/metrics');

/** The process's metrics (created on first use, with Node's default process metrics). */
export function appMetrics(): AppMetrics {
  const g = globalThis as unknown as Record<symbol, AppMetrics | undefined>;
  return (g[KEY] ??= createAppMetrics({ defaults: true }));
}
