// The soak of bench/run.ts (`npm run bench -- --soak 1000000 --soak-seconds 600`): one long
// deterministic stream into the app, saturating or paced, bounded by a count and a time. The RSS of
// the app's process tree and of PostgreSQL is sampled every 2 s from the first request to the end
// of the drain; the report gives start, peak and end, and the slope over the last half of the load
// (MiB per minute: flat memory is a slope near 0). The usual correctness checks close it.
// With several companies (`--soak-companies N`) each company has its own hosts (host number mod N)
// and its own API key and secret; their requests go out interleaved in the stream's order, so each
// company sees its share of the rate, as an MSP's clients do.
import type pg from 'pg';
import { backlogSampler, badSignaturesStored, serialReplayViolations, waitDecided } from './checks.ts';
import { fire, pct, prepare, type Prepared } from './load.ts';
import { resetStatements, statementTotals, topStatements } from './pg-statements.ts';
import { cpuMicros, rssSeries, slope, type RssSample } from './procs.ts';
import { streamChunks, type StreamAlert } from './stream.ts';

export interface SoakOptions {
  alerts: number;
  seconds: number;
  perRequest: number;
  /** Alerts per second offered; 0 = saturating. */
  rate: number;
  connections: number;
  drainSeconds: number;
  replay: boolean;
  /** PostgreSQL's costliest statements of the soak (`--pg-statements`: pg_stat_statements loaded). */
  statements?: boolean;
}

export interface SoakCompany {
  companyId: string;
  key: string;
  secret: string;
}

export interface SoakTarget {
  url: string;
  pool: pg.Pool;
  /** The companies the stream is spread over (by host), one at least. */
  companies: SoakCompany[];
  appPid: number;
  pgPid: number | null;
}

/** The company of a stream alert: its host number mod the companies' count. */
function companyOf(a: StreamAlert, n: number): number {
  return Number(a.asset.slice(a.asset.lastIndexOf('-') + 1)) % n;
}

/**
 * The chunk's requests: each company's alerts (in stream order) `perRequest` at a time, signed with
 * its key and secret, all of them ordered by the stream position of their first alert.
 */
async function prepareCompanies(chunk: StreamAlert[], perRequest: number, companies: SoakCompany[]) {
  if (companies.length === 1)
    return prepare('app', chunk, perRequest, companies[0]!.secret, companies[0]!.key);
  const parts = companies.map(() => ({ alerts: [] as StreamAlert[], at: [] as number[] }));
  chunk.forEach((a, i) => {
    const part = parts[companyOf(a, companies.length)]!;
    part.alerts.push(a);
    part.at.push(i);
  });
  const all: { at: number; req: Prepared }[] = [];
  for (const [c, part] of parts.entries()) {
    const reqs = await prepare('app', part.alerts, perRequest, companies[c]!.secret, companies[c]!.key);
    reqs.forEach((req, r) => all.push({ at: part.at[r * perRequest]!, req }));
  }
  return all.sort((x, y) => x.at - y.at).map((x) => x.req);
}

export interface MemoryFigures {
  startMiB: number;
  peakMiB: number;
  endOfLoadMiB: number;
  endMiB: number;
  /** Least-squares slope over the last half of the load, MiB per minute. */
  lastHalfSlopeMiBPerMin: number;
}

function memory(samples: RssSample[], group: string, loadEndS: number): MemoryFigures {
  const during = samples.filter((s) => s.s <= loadEndS);
  const half = during.filter((s) => s.s >= loadEndS / 2);
  return {
    startMiB: samples[0]?.[group] ?? 0,
    peakMiB: Math.max(0, ...samples.map((s) => s[group] ?? 0)),
    endOfLoadMiB: during.at(-1)?.[group] ?? 0,
    endMiB: samples.at(-1)?.[group] ?? 0,
    lastHalfSlopeMiBPerMin: Math.round(slope(half.map((s) => ({ x: s.s / 60, y: s[group] ?? 0 }))) * 10) / 10,
  };
}

/**
 * The seconds of the load (counted from the first alert received) whose alerts waited longest for
 * their decision: p99 of the decided lag per second, the three worst. A stall that comes back at an
 * interval (a periodic job holding the turns) shows here, where the run's p99 hides it.
 */
async function worstLagSeconds(pool: pg.Pool, companyIds: string[]) {
  const { rows } = await pool.query<{ s: number; n: string; p99: number }>(
    `WITH a AS (
       SELECT "receivedAt", extract(epoch FROM "decidedAt" - "receivedAt") * 1000 AS lag
         FROM "Alert" WHERE "companyId" = ANY($1::uuid[]) AND "decidedAt" IS NOT NULL)
     SELECT floor(extract(epoch FROM "receivedAt" - (SELECT min("receivedAt") FROM a)))::int AS s,
            count(*)::text AS n, percentile_cont(0.99) WITHIN GROUP (ORDER BY lag) AS p99
       FROM a GROUP BY 1 ORDER BY p99 DESC LIMIT 3`,
    [companyIds],
  );
  return rows.map((r) => ({ second: r.s, alerts: Number(r.n), lagP99: Math.round(r.p99) }));
}

export async function soak(t: SoakTarget, o: SoakOptions) {
  const violations: string[] = [];
  const chunkAlerts = Math.max(o.perRequest * 100, 20_000);
  const deadline = Date.now() + o.seconds * 1000;
  const rss = rssSeries({ app: [t.appPid], pg: t.pgPid ? [t.pgPid] : [] }, 2000);
  const companyIds = t.companies.map((c) => c.companyId);
  const backlog = backlogSampler(t.pool, companyIds, 2000);
  const pids = [t.appPid, ...(t.pgPid ? [t.pgPid] : [])];
  if (o.statements) await resetStatements(t.pool);
  const cpu0 = cpuMicros(pids);
  const db0 = t.pgPid ? cpuMicros([t.pgPid]) : 0;
  const t0 = Date.now();
  let sentAlerts = 0;
  let accepted = 0;
  let expected = 0;
  let refused = 0;
  let badSent = 0;
  const other = new Map<number, number>();
  let errors = 0;
  const chunkP99: number[] = [];
  const badSeqs: string[] = [];
  for (const chunk of streamChunks({ count: o.alerts, seed: 7, run: 'soak' }, chunkAlerts)) {
    if (Date.now() >= deadline) break;
    const reqs = await prepareCompanies(chunk, o.perRequest, t.companies);
    const { res, statuses, sent } = await fire(t.url, reqs, {
      connections: o.connections,
      ...(o.rate ? { rate: o.rate / o.perRequest } : {}),
    });
    const sentReqs = reqs.slice(0, sent);
    sentAlerts += sentReqs.reduce((s, r) => s + r.alerts, 0);
    expected += sentReqs.filter((r) => !r.bad).reduce((s, r) => s + r.alerts, 0);
    badSent += sentReqs.filter((r) => r.bad).length;
    badSeqs.push(...sentReqs.filter((r) => r.bad).flatMap((r) => r.seqs));
    // With several companies a company's last request of a chunk may carry fewer alerts than
    // `perRequest`: when every validly signed request was answered 202, they are the alerts of those
    // requests; otherwise the run has a violation below, and the count is an estimate.
    const good = sentReqs.filter((r) => !r.bad);
    const ok = statuses.get(202) ?? 0;
    accepted += ok === good.length ? good.reduce((s, r) => s + r.alerts, 0) : ok * o.perRequest;
    refused += statuses.get(401) ?? 0;
    for (const [s, n] of statuses) if (s !== 202 && s !== 401) other.set(s, (other.get(s) ?? 0) + n);
    errors += res.errors + res.timeouts;
    chunkP99.push(res.latency.p99);
    const elapsed = (Date.now() - t0) / 1000;
    console.log(
      `  soak ${sentAlerts.toLocaleString('en')} alerts in ${elapsed.toFixed(0)} s  chunk p99 ${res.latency.p99} ms`,
    );
  }
  const loadSeconds = (Date.now() - t0) / 1000;
  const cpu = cpuMicros(pids) - cpu0;
  const dbCpu = t.pgPid ? cpuMicros([t.pgPid]) - db0 : 0;
  const backlogSamples = backlog.stop();
  if (refused !== badSent) violations.push(`soak: ${refused} of ${badSent} bad signatures refused`);
  if (other.size || errors)
    violations.push(
      `soak: unexpected answers ${[...other].map(([s, n]) => `${s}×${n}`).join(' ')} errors+timeouts ${errors}`,
    );
  if (accepted !== expected)
    violations.push(`soak: ${accepted} alerts accepted of ${expected} validly signed`);
  const drained = await waitDecided(t.pool, companyIds, accepted, o.drainSeconds);
  violations.push(...drained.violations.map((v) => `soak: ${v}`));
  const samples = rss.stop();
  // Read before the checks below add statements of their own (the drain's count is in it).
  const statements = o.statements ? await topStatements(t.pool, accepted, 25) : undefined;
  const totals = o.statements ? await statementTotals(t.pool, accepted) : undefined;
  const worstSeconds = await worstLagSeconds(t.pool, companyIds);
  const badStored = await badSignaturesStored(t.pool, companyIds, badSeqs);
  if (badStored) violations.push(`soak: ${badStored} alerts of badly signed requests stored`);
  let replayed = false;
  if (o.replay && !drained.violations.length) {
    for (const c of companyIds)
      violations.push(...(await serialReplayViolations(t.pool, c)).map((v) => `soak: ${v}`));
    replayed = true;
  }
  return {
    result: {
      alertsSent: sentAlerts,
      alertsAccepted: accepted,
      loadSeconds: Math.round(loadSeconds),
      alertsPerSecond: Math.round(accepted / loadSeconds),
      perRequest: o.perRequest,
      companies: t.companies.length,
      rate: o.rate || 'saturating',
      chunkP99Median: pct(chunkP99, 50),
      chunkP99Max: Math.max(0, ...chunkP99),
      cpuMicrosPerAlert: accepted ? Math.round(cpu / accepted) : null,
      dbCpuMicrosPerAlert: accepted && t.pgPid ? Math.round(dbCpu / accepted) : null,
      decidedLagP50: drained.lagP50,
      decidedLagP99: drained.lagP99,
      maxBacklog: Math.max(0, ...backlogSamples.map((b) => b.pending)),
      drainSeconds: drained.drainSeconds,
      serialReplayChecked: replayed,
      appRss: memory(samples, 'app', loadSeconds),
      pgRss: memory(samples, 'pg', loadSeconds),
    },
    rssSamples: samples,
    statements,
    statementTotals: totals,
    worstSeconds,
    violations,
  };
}
