// Where an app run's work went, for bench/run.ts (figures only, never asserted):
//   - the intake writer's group commits, from the app's own /metrics (the histograms
//     aw_ingest_commit_batch_requests / _alerts): how many requests one commit carried;
//   - PostgreSQL transactions of the app's database (pg_stat_database.xact_commit; every statement
//     outside an explicit transaction is one), per accepted request: intake, live events and
//     correlation together. The counters are read after the drain; a backend flushes its counters at
//     most once a second while busy, so a few of a run's last transactions may count in the next;
//   - rows inserted per table (pg_stat_user_tables, the "Alert" partitions summed): realtime events
//     per request, replay nonces per request;
//   - how long the app's group commits, its requests' waits in the writer and its correlation turns
//     took (p50/p99 estimated from its histograms, aw_ingest_commit_seconds, aw_ingest_write_seconds,
//     aw_correlation_turn_seconds), and alerts per turn;
//   - the load generator's own CPU (this process: autocannon and the live subscriber), so a run that
//     the load generator caps can be told from one the server caps.
import type pg from 'pg';
import {
  histogramDelta,
  histogramQuantile,
  readHistogram,
  type HistogramSnapshot,
} from '../../packages/observability/src/histogram.ts';
import { TURN_STAGES } from '../../packages/correlation/src/store/turn-stages.ts';

export interface CommitCounters {
  batches: number;
  requests: number;
  alerts: number;
}

/** The writer's commit histograms of the app's process, from a /metrics text (metricsText). */
export function commitCounters(text: string | null): CommitCounters | null {
  if (!text) return null;
  const requests = readHistogram(text, 'aw_ingest_commit_batch_requests');
  const alerts = readHistogram(text, 'aw_ingest_commit_batch_alerts');
  return {
    batches: requests?.count ?? 0,
    requests: requests?.sum ?? 0,
    alerts: alerts?.sum ?? 0,
  };
}

export interface DbCounters {
  commits: number;
  inserted: Record<string, number>;
  /** The server's WAL so far (pg_stat_wal, the whole cluster): bytes, records, full-page images. */
  walBytes: number;
  walRecords: number;
  walFpi: number;
  /** Checkpoints started so far (pg_stat_checkpointer on 17+, pg_stat_bgwriter before). */
  checkpoints: number;
}

/** Transactions committed in this database and rows inserted per table (partitions summed). */
export async function dbCounters(pool: pg.Pool): Promise<DbCounters> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_stat_clear_snapshot()');
    const x = await client.query<{ n: string }>(
      `SELECT xact_commit::text AS n FROM pg_stat_database WHERE datname = current_database()`,
    );
    const t = await client.query<{ t: string; n: string }>(
      `SELECT regexp_replace(relname, '_p?\\d.*$', '') AS t, sum(n_tup_ins)::text AS n
         FROM pg_stat_user_tables GROUP BY 1`,
    );
    const w = await client.query<{ b: string; r: string; f: string; v: number }>(
      `SELECT wal_bytes::text AS b, wal_records::text AS r, wal_fpi::text AS f,
              current_setting('server_version_num')::int AS v FROM pg_stat_wal`,
    );
    const c = await client.query<{ n: string }>(
      w.rows[0]!.v >= 170000
        ? `SELECT (num_timed + num_requested)::text AS n FROM pg_stat_checkpointer`
        : `SELECT (checkpoints_timed + checkpoints_req)::text AS n FROM pg_stat_bgwriter`,
    );
    return {
      commits: Number(x.rows[0]?.n ?? 0),
      inserted: Object.fromEntries(t.rows.map((r) => [r.t, Number(r.n)])),
      walBytes: Number(w.rows[0]?.b ?? 0),
      walRecords: Number(w.rows[0]?.r ?? 0),
      walFpi: Number(w.rows[0]?.f ?? 0),
      checkpoints: Number(c.rows[0]?.n ?? 0),
    };
  } finally {
    client.release();
  }
}

export interface IntakeStats {
  /** Group commits of the intake writer during the run, and requests and alerts per commit. */
  commits: number;
  requestsPerCommit: number;
  alertsPerCommit: number;
  /** PostgreSQL transactions (all of the app's) per accepted request. */
  dbTransactionsPerRequest: number;
  /** Rows inserted per accepted request, by table (only tables that grew). */
  rowsPerRequest: Record<string, number>;
  /** WAL written per accepted alert (bytes, the whole server), and the share of its records that were full-page images. */
  walBytesPerAlert: number;
  walFpiShare: number;
  /** Checkpoints that started between the run's start and the end of its drain. */
  checkpoints: number;
}

export function intakeStats(
  c0: CommitCounters | null,
  c1: CommitCounters | null,
  d0: DbCounters,
  d1: DbCounters,
  acceptedRequests: number,
  acceptedAlerts: number,
): IntakeStats {
  const per = (n: number, d: number) => (d ? Math.round((n / d) * 100) / 100 : 0);
  const commits = c0 && c1 ? c1.batches - c0.batches : 0;
  const rowsPerRequest: Record<string, number> = {};
  for (const [t, n] of Object.entries(d1.inserted)) {
    const grew = n - (d0.inserted[t] ?? 0);
    if (grew > 0) rowsPerRequest[t] = per(grew, acceptedRequests);
  }
  return {
    commits,
    requestsPerCommit: c0 && c1 ? per(c1.requests - c0.requests, commits) : 0,
    alertsPerCommit: c0 && c1 ? per(c1.alerts - c0.alerts, commits) : 0,
    dbTransactionsPerRequest: per(d1.commits - d0.commits, acceptedRequests),
    rowsPerRequest,
    walBytesPerAlert: Math.round(per(d1.walBytes - d0.walBytes, acceptedAlerts)),
    walFpiShare: per(d1.walFpi - d0.walFpi, d1.walRecords - d0.walRecords),
    checkpoints: d1.checkpoints - d0.checkpoints,
  };
}

/** This process's CPU (user + system) while `f` runs, as a share of one core (1 = one full core). */
export async function withOwnCpu<T>(f: () => Promise<T>): Promise<{ value: T; cores: number }> {
  const u0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await f();
  const u = process.cpuUsage(u0);
  const ms = performance.now() - t0;
  return { value, cores: ms > 0 ? Math.round(((u.user + u.system) / 1000 / ms) * 100) / 100 : 0 };
}

/** The app's /metrics text (null when it did not answer). */
export async function metricsText(appBase: string): Promise<string | null> {
  try {
    return await (await fetch(`${appBase}/metrics`)).text();
  } catch {
    return null;
  }
}

export interface StageTimes {
  /** Group commits (aw_ingest_commit_seconds): p50/p99 ms. */
  commitP50: number | null;
  commitP99: number | null;
  /** A request's time in the writer, queued to committed (aw_ingest_write_seconds): p50/p99 ms. */
  writeP50: number | null;
  writeP99: number | null;
  /** Correlation turns (aw_correlation_turn_seconds): how many, p50/p99 ms, alerts per turn. */
  turns: number;
  turnP50: number | null;
  turnP99: number | null;
  alertsPerTurn: number;
  /**
   * The turns' time by stage (aw_correlation_turn_stage_seconds): each stage's share of the
   * stages' total, and its p99 in ms. Empty when the app reports no stages.
   */
  turnStages: { stage: string; share: number; p99: number | null }[];
  /**
   * The web server's event loop between the two scrapes: the p99 and the largest delay of a timer
   * beyond its interval, in ms (prom-client's `nodejs_eventloop_lag_*` gauges, from perf_hooks'
   * monitorEventLoopDelay, reset at every scrape). Every HTTP answer, live event and turn of that process waits behind
   * such a delay. Null when the app reports no such gauge.
   */
  loopDelayP99: number | null;
  loopDelayMax: number | null;
  /**
   * Live events' publication (the row's `createdAt`) → the web server's LISTEN session
   * (aw_realtime_notify_seconds): p99 ms; null when no event reached it.
   */
  notifyP99: number | null;
  /**
   * The web server's live-event statements: their events' publication → the statement's answer,
   * commit included (aw_realtime_publish_seconds): p99 ms; null when it published nothing.
   */
  publishP99: number | null;
}

export { TURN_STAGES };

/** Quantiles of what the app's histograms recorded between two scrapes (estimates from buckets). */
export function stageTimes(before: string | null, after: string | null): StageTimes | null {
  if (!after) return null;
  const delta = (name: string, labels: Record<string, string> = {}) => {
    const a = readHistogram(after, name, labels);
    return a ? histogramDelta(before ? readHistogram(before, name, labels) : null, a) : null;
  };
  const ms = (h: HistogramSnapshot | null, q: number) => {
    const v = h ? histogramQuantile(h, q) : null;
    return v === null ? null : Math.round(v * 10_000) / 10;
  };
  const commit = delta('aw_ingest_commit_seconds');
  const write = delta('aw_ingest_write_seconds');
  const turn = delta('aw_correlation_turn_seconds');
  const turnAlerts = delta('aw_correlation_turn_alerts');
  const notify = delta('aw_realtime_notify_seconds');
  const publish = delta('aw_realtime_publish_seconds');
  const byStage = TURN_STAGES.map((stage) => ({
    stage,
    h: delta('aw_correlation_turn_stage_seconds', { stage }),
  })).filter((x) => x.h && x.h.count > 0);
  const total = byStage.reduce((a, x) => a + x.h!.sum, 0);
  return {
    commitP50: ms(commit, 0.5),
    commitP99: ms(commit, 0.99),
    writeP50: ms(write, 0.5),
    writeP99: ms(write, 0.99),
    turns: turn?.count ?? 0,
    turnP50: ms(turn, 0.5),
    turnP99: ms(turn, 0.99),
    alertsPerTurn: turnAlerts?.count ? Math.round(turnAlerts.sum / turnAlerts.count) : 0,
    turnStages: byStage.map(({ stage, h }) => ({
      stage,
      share: total > 0 ? Math.round((h!.sum / total) * 1000) / 1000 : 0,
      p99: ms(h, 0.99),
    })),
    loopDelayP99: loopDelayMs(after, 'aw_nodejs_eventloop_lag_p99_seconds'),
    loopDelayMax: loopDelayMs(after, 'aw_nodejs_eventloop_lag_max_seconds'),
    notifyP99: notify?.count ? ms(notify, 0.99) : null,
    publishP99: publish?.count ? ms(publish, 0.99) : null,
  };
}

/**
 * prom-client's event-loop gauges sample with a timer every 10 ms (its default
 * `eventLoopMonitoringPrecision`, which the app keeps) and record the whole interval between two
 * ticks, so an idle loop reads 10 ms. The delay is what goes beyond that interval.
 */
const LOOP_SAMPLE_MS = 10;

/** An event-loop gauge of a Prometheus text exposition, as the delay in ms (one decimal); null if absent. */
function loopDelayMs(text: string, name: string): number | null {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  const v = line ? Number(line.slice(name.length + 1).split(' ')[0]) : NaN;
  return Number.isFinite(v) ? Math.max(0, Math.round((v * 1000 - LOOP_SAMPLE_MS) * 10) / 10) : null;
}

/**
 * The stage times of a split app (`START_WORKERS=1 npm start`): the intake's histograms come from
 * the web server's /metrics, the correlation turns' from the worker's.
 */
export function withWorkerTurns(web: StageTimes | null, worker: StageTimes | null): StageTimes | null {
  if (!worker || worker.turns === 0 || !web) return web ?? worker;
  const { turns, turnP50, turnP99, alertsPerTurn, turnStages } = worker;
  return { ...web, turns, turnP50, turnP99, alertsPerTurn, turnStages };
}
