// `npm run bench` (`-- --quick` for CI): the ingest benchmark on the path users actually use, side by
// side with two references measured in the same run:
//   app  — the production app exactly as `npm start` serves it (scripts/start.ts, its own PostgreSQL)
//   ref  — bench/reference-server.ts: node:http + JSON.parse + HMAC check, stores nothing
//   am   — Debian's prometheus-alertmanager, in memory, grouping by instance and alertname
// One load generator for all three (autocannon for the saturating runs; the paced runs go out at an
// even pace, bench/lib/load.ts `firePaced`), pre-signed deterministic streams (bench/lib/stream),
// runs alternated (app, ref, am, app, ref, am …) and reported as medians. Every run checks its own
// correctness (non-2xx, rows stored = alerts accepted, deliberately bad signatures all refused and
// none stored, every stored alert decided) and the bench exits 1 when one is violated; speed
// figures are printed and written to .reports/bench/bench.json, never asserted.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createPrismaClient } from '@aw/db';
import { createTestDatabase, freePort } from '@aw/db/testing';
import { createApiKey, rotateWebhookSecret } from '@aw/ingest';
import { startEmbedded17 } from '../packages/db/src/testing/postgres.ts';
import { backlogSampler, badSignaturesStored, serialReplayViolations, waitDecided } from './lib/checks.ts';
import { fire, prepare, slowEpisodes, type SlowEpisode, type Target } from './lib/load.ts';
import {
  commitCounters,
  dbCounters,
  intakeStats,
  metricsText,
  stageTimes,
  TURN_STAGES,
  withWorkerTurns,
  withOwnCpu,
  type IntakeStats,
  type StageTimes,
} from './lib/intake-stats.ts';
import { cpuMicros, postmasterFor, rssSampler, stop, waitFor } from './lib/procs.ts';
import { liveSubscriber, pushFigures, technicianCookie, type PushFigures } from './lib/push.ts';
import {
  enableStatements,
  PG_STATEMENTS_FLAGS,
  resetStatements,
  seqScanDelta,
  statementsTable,
  tableScans,
  type TableScans,
  topStatements,
  type StatementCost,
} from './lib/pg-statements.ts';
import { soak } from './lib/soak.ts';
import { alertStream } from './lib/stream.ts';
import type { SseClient } from '@aw/realtime/testing';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    connections: { type: 'string', default: '64' },
    'drain-seconds': { type: 'string' },
    // The soak: one long stream into the app alone (RSS over time), bounded by count and time.
    soak: { type: 'string' },
    'soak-seconds': { type: 'string', default: '600' },
    'soak-per-request': { type: 'string', default: '100' },
    'soak-rate': { type: 'string', default: '0' },
    'soak-no-replay': { type: 'boolean', default: false },
    // The soak's stream spread over this many companies (by host), each with its own key.
    'soak-companies': { type: 'string', default: '1' },
    // Diagnostic: PostgreSQL's time per statement in each app run (bench/lib/pg-statements.ts).
    'pg-statements': { type: 'boolean', default: false },
    // The paced runs' rates (one-alert requests per second), comma-separated.
    paced: { type: 'string', default: '100,1000,5000' },
  },
});
const QUICK = args.quick;
const PG_STATEMENTS = args['pg-statements'];
const SOAK_SECONDS = Number(args['soak-seconds']);
const PER_SOAK_REQUEST = Number(args['soak-per-request']);
const SOAK_RATE = Number(args['soak-rate']);
const SOAK_COMPANIES = Number(args['soak-companies']);
const ROUNDS = Number(args.rounds ?? (QUICK ? 1 : 3));
const CONNECTIONS = Number(args.connections);
const SINGLE = QUICK ? 3_000 : 20_000; // requests of 1 alert per run
const BATCHED = QUICK ? 100 : 1_000; // requests of 100 alerts per run
const PACED_SECONDS = QUICK ? 3 : 10;
const PACED_RATES = args.paced
  .split(',')
  .filter(Boolean)
  .map((x) => Number(x));
if (PACED_RATES.some((r) => !Number.isInteger(r) || r < 1 || r > 100_000)) {
  console.error(`--paced ${args.paced}: whole requests per second, 1 to 100,000, comma-separated`);
  process.exit(2);
}
// After each app run every accepted alert must be decided within this bound (a correctness check:
// a backlog that does not drain is a failure; how fast it drains is reported, never asserted).
const DRAIN_SECONDS = Number(args['drain-seconds'] ?? 120);
const root = path.resolve(import.meta.dirname, '..');

const SOAK = args.soak ? Number(args.soak) : 0;
// The soak's rate is counted in whole requests per second: refuse one that is not, up front.
if (SOAK_RATE && !Number.isInteger(SOAK_RATE / PER_SOAK_REQUEST)) {
  console.error(
    `--soak-rate ${SOAK_RATE} must be a multiple of --soak-per-request ${PER_SOAK_REQUEST} (whole requests per second)`,
  );
  process.exit(2);
}
// Each company of a multi-company soak has its own hosts, of the stream's 500.
if (!Number.isInteger(SOAK_COMPANIES) || SOAK_COMPANIES < 1 || SOAK_COMPANIES > 500) {
  console.error(`--soak-companies ${args['soak-companies']} must be a whole number from 1 to 500`);
  process.exit(2);
}
interface RunResult {
  /** With --pg-statements: the app run's costliest PostgreSQL statements. */
  pgStatements?: StatementCost[];
  /** The app's group commits, writer waits and correlation turns (from its histograms). */
  stages?: StageTimes | null;
  /** With --pg-statements: the tables read by sequential scans in the app run. */
  pgSeqScans?: TableScans[];
  target: Target;
  shape: string;
  alertsPerSecond: number;
  /** Accepted alerts over the time from the start to the last answer (bench/lib/load.ts `spanSeconds`). */
  alertsPerSecondExact: number;
  p50: number;
  p99: number;
  non2xx: number;
  cpuMicrosPerAlert: number | null;
  /** The PostgreSQL server's share of `cpuMicrosPerAlert` (app only). */
  dbCpuMicrosPerAlert?: number | null;
  peakRssMiB: number | null;
  decidedLagP50?: number;
  decidedLagP99?: number;
  /** Seconds from the end of the load until nothing of the run was PENDING. */
  drainSeconds?: number;
  /** The largest PENDING backlog sampled while the load ran. */
  maxBacklog?: number;
  /** Push latency to a live subscriber (bench/lib/push.ts). */
  push?: PushFigures;
  /** The load generator's (this process's) CPU during the run, in cores (1 = one full core). */
  loadgenCores: number;
  /** Group commits, PostgreSQL transactions and rows per request (app only; bench/lib/intake-stats.ts). */
  intake?: IntakeStats;
  /** Paced runs: the three stretches with the most requests over 50 ms (bench/lib/load.ts `slowEpisodes`). */
  slowEpisodes?: SlowEpisode[];
}
const violations: string[] = [];

// ---- peers -----------------------------------------------------------------------------------
function alertmanagerBin(): string {
  const bin = ['/usr/bin/prometheus-alertmanager', '/usr/local/bin/prometheus-alertmanager'].find((b) =>
    existsSync(b),
  );
  if (!bin)
    throw new Error('prometheus-alertmanager is not installed: apt-get install prometheus-alertmanager');
  return bin;
}

async function main() {
  const t0 = Date.now();
  const load0 = os.loadavg();
  console.log(
    `bench${QUICK ? ' --quick' : ''}: ${SOAK ? 'soak' : `${ROUNDS} rounds`}, ${CONNECTIONS} connections, ${os.cpus().length} cores`,
  );
  const server = await startEmbedded17(PG_STATEMENTS ? { extraFlags: PG_STATEMENTS_FLAGS } : {});
  let app: ChildProcess | null = null;
  let ref: ChildProcess | null = null;
  let am: ChildProcess | null = null;
  let dbHandle: Awaited<ReturnType<typeof createTestDatabase>> | null = null;
  let prismaHandle: ReturnType<typeof createPrismaClient> | null = null;
  let poolHandle: pg.Pool | null = null;
  let subHandle: SseClient | null = null;
  let soakReport: Awaited<ReturnType<typeof soak>> | null = null;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'aw-bench-'));
  // Everything started here stops here, by PID, on success, on failure and on Ctrl-C / SIGTERM.
  let stopping: Promise<void> | null = null;
  const stopAll = () =>
    (stopping ??= (async () => {
      subHandle?.close();
      await stop(app, true);
      await stop(ref);
      await stop(am);
      await prismaHandle?.$disconnect().catch(() => {});
      await poolHandle?.end().catch(() => {});
      await dbHandle?.drop().catch(() => {});
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    })());
  for (const sig of ['SIGINT', 'SIGTERM'] as const)
    process.once(sig, () => {
      console.error(`\n${sig}: stopping everything the bench started …`);
      void stopAll().finally(() => process.exit(130));
    });
  const results: RunResult[] = [];
  try {
    const db = (dbHandle = await createTestDatabase(server));
    const prisma = (prismaHandle = createPrismaClient(db.url, { max: 2 }));
    const pool = (poolHandle = new pg.Pool({ connectionString: db.url, max: 3 }));
    if (PG_STATEMENTS) await enableStatements(pool);
    const encryptionKey = randomBytes(32).toString('base64');
    const msp = await prisma.msp.create({
      data: { name: 'Bench', slug: `bench-${randomBytes(3).toString('hex')}` },
    });

    // The app, exactly as `npm start` serves it (production build, one port), on our database.
    const appPort = await freePort();
    // With START_WORKERS the correlation turns run in a worker process: its /metrics on a known port.
    const workerMetricsPort = Number(process.env.START_WORKERS ?? 0) > 0 ? await freePort() : null;
    console.log('starting the app (npm start; the first build takes a few minutes) …');
    app = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/start.ts')], {
      cwd: root,
      detached: true,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        DATA_DIR: dataDir,
        DEMO: 'false',
        DEMO_LIVE_SECONDS: '0',
        PORT: String(appPort),
        AUTH_URL: `http://127.0.0.1:${appPort}`,
        AUTH_SECRET: randomBytes(32).toString('base64'),
        APP_ENCRYPTION_KEY: encryptionKey,
        // The per-key limit protects tenants from each other; the bench is one key by design.
        INGEST_RATE_LIMIT_PER_MINUTE: '1000000000',
        INGEST_COMPANY_ALERTS_PER_MINUTE: '0', // one company by design: no per-company budget
        LOG_LEVEL: 'warn',
        ...(workerMetricsPort ? { WORKER_METRICS_PORT: String(workerMetricsPort) } : {}),
        // Profiling the web server: BENCH_APP_NODE_OPTIONS='--import <abs>/bench/lib/cpu-profile.mjs'
        // (see that file; `--cpu-prof` is not allowed in NODE_OPTIONS).
        ...(process.env.BENCH_APP_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_APP_NODE_OPTIONS } : {}),
      },
    });
    await waitFor(`http://127.0.0.1:${appPort}/api/health`, 'the app', app, 900_000);
    const appBase = `http://127.0.0.1:${appPort}`;
    const workerBase = workerMetricsPort ? `http://127.0.0.1:${workerMetricsPort}` : null;
    const pgPid = postmasterFor(Number(new URL(server.templateUrl).port));
    // A technician's browser: signed in and on the live stream for the whole bench.
    const sub = (subHandle = await liveSubscriber(appBase, await technicianCookie(prisma, msp.id, appBase)));
    /** A company of its own for a run, with an API key and a webhook secret. */
    const newCompany = async (runTag: string) => {
      const company = await prisma.company.create({
        data: {
          mspId: msp.id,
          name: `Bench ${runTag}`,
          slug: `bench-${runTag}`,
          awsExternalId: `bench-${randomBytes(8).toString('hex')}`,
        },
      });
      const svc = { prisma, companyId: company.id, actorId: null };
      const key = (await createApiKey({ ...svc, input: { name: runTag } })).key;
      const secret = (await rotateWebhookSecret({ ...svc, encryptionKey, input: {} })).secret;
      return { companyId: company.id, key, secret };
    };

    if (SOAK) {
      const companies = [];
      for (let i = 0; i < SOAK_COMPANIES; i++)
        companies.push(await newCompany(SOAK_COMPANIES === 1 ? 'soak' : `soak-${i}`));
      console.log(
        `soak: ${SOAK.toLocaleString('en')} alerts, ${PER_SOAK_REQUEST}/req, ${SOAK_RATE ? `${SOAK_RATE}/s` : 'saturating'}, at most ${SOAK_SECONDS} s` +
          (SOAK_COMPANIES > 1 ? `, over ${SOAK_COMPANIES} companies` : ''),
      );
      soakReport = await soak(
        { url: `${appBase}/api/v1/alerts`, pool, companies, appPid: app.pid!, pgPid },
        {
          alerts: SOAK,
          seconds: SOAK_SECONDS,
          perRequest: PER_SOAK_REQUEST,
          rate: SOAK_RATE,
          connections: CONNECTIONS,
          drainSeconds: DRAIN_SECONDS,
          replay: !args['soak-no-replay'],
          statements: PG_STATEMENTS,
        },
      );
      violations.push(...soakReport.violations);
      await stopAll();
      reportSoak(soakReport, t0, load0);
      return;
    }
    const refPort = await freePort();
    const refSecret = randomBytes(24).toString('base64url');
    ref = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'bench/reference-server.ts'), String(refPort), refSecret],
      {
        stdio: 'inherit',
      },
    );
    await waitFor(`http://127.0.0.1:${refPort}/healthz`, 'the reference server', ref, 30_000);
    const amPort = await freePort();
    const amDir = path.join(dataDir, 'alertmanager');
    mkdirSync(amDir, { recursive: true });
    writeFileSync(
      path.join(amDir, 'am.yml'),
      "route:\n  receiver: devnull\n  group_by: ['instance', 'alertname']\nreceivers:\n  - name: devnull\n",
    );
    am = spawn(
      alertmanagerBin(),
      [
        `--config.file=${amDir}/am.yml`,
        `--storage.path=${amDir}/data`,
        `--web.listen-address=127.0.0.1:${amPort}`,
        '--cluster.listen-address=',
      ],
      { stdio: 'ignore' },
    );
    await waitFor(`http://127.0.0.1:${amPort}/-/ready`, 'alertmanager', am, 30_000);

    let runNo = 0;
    const runOne = async (target: Target, perRequest: number, paced?: number) => {
      runNo++;
      const runTag = `r${runNo}`;
      const count = paced ? paced * PACED_SECONDS : perRequest === 1 ? SINGLE : BATCHED * perRequest;
      const stream = alertStream({ count, seed: runNo, run: runTag });
      const { companyId, key, secret } =
        target === 'app' ? await newCompany(runTag) : { companyId: '', key: '', secret: refSecret };
      if (target === 'app') sub.frames.splice(0);
      const reqs = await prepare(target, stream, perRequest, secret, key);
      const url =
        target === 'app'
          ? `http://127.0.0.1:${appPort}/api/v1/alerts`
          : target === 'ref'
            ? `http://127.0.0.1:${refPort}/ingest`
            : `http://127.0.0.1:${amPort}/api/v2/alerts`;
      const pids = [
        target === 'app' ? app!.pid! : target === 'ref' ? ref!.pid! : am!.pid!,
        ...(target === 'app' && pgPid ? [pgPid] : []),
      ];
      const cpu0 = cpuMicros(pids);
      const db0 = target === 'app' && pgPid ? cpuMicros([pgPid]) : 0;
      const rss = rssSampler(pids);
      const backlog = target === 'app' ? backlogSampler(pool, companyId) : null;
      const metrics0 = target === 'app' ? await metricsText(appBase) : null;
      const workerMetrics0 = target === 'app' && workerBase ? await metricsText(workerBase) : null;
      const commits0 = commitCounters(metrics0);
      const db0Counters = target === 'app' ? await dbCounters(pool) : null;
      if (target === 'app' && PG_STATEMENTS) await resetStatements(pool);
      const scans0 = target === 'app' && PG_STATEMENTS ? await tableScans(pool) : null;
      const {
        value: { res, statuses, sent, answeredAt, spanSeconds, latencyByIdx },
        cores: loadgenCores,
      } = await withOwnCpu(() =>
        fire(url, reqs, {
          connections: CONNECTIONS,
          ...(paced ? { rate: paced / perRequest } : {}),
        }),
      );
      const peak = rss.stop();
      const backlogSamples = backlog?.stop() ?? [];
      const cpu = cpuMicros(pids) - cpu0;
      const dbCpu = target === 'app' && pgPid ? cpuMicros([pgPid]) - db0 : 0;
      const sentReqs = reqs.slice(0, sent);
      const badSent = sentReqs.filter((r) => r.bad).length;
      const okStatus = target === 'am' ? 200 : 202;
      const ok = statuses.get(okStatus) ?? 0;
      const refused = statuses.get(401) ?? 0;
      const shape = paced ? `paced ${paced}/s` : `${perRequest}/req`;
      if (refused !== badSent)
        violations.push(`${target} ${shape}: ${refused} of ${badSent} bad signatures refused`);
      const other = [...statuses].filter(([s]) => s !== okStatus && s !== 401).map(([s, n]) => `${s}×${n}`);
      if (other.length || res.errors || res.timeouts)
        violations.push(
          `${target} ${shape}: unexpected answers ${other.join(' ')} errors ${res.errors} timeouts ${res.timeouts}`,
        );
      const acceptedAlerts = ok * perRequest;
      const r: RunResult = {
        target,
        shape,
        alertsPerSecond: Math.round(acceptedAlerts / (res.duration || 1)),
        alertsPerSecondExact: Math.round(acceptedAlerts / (spanSeconds || 1)),
        p50: res.latency.p50,
        p99: res.latency.p99,
        non2xx: res.non2xx - badSent,
        cpuMicrosPerAlert: acceptedAlerts ? Math.round(cpu / acceptedAlerts) : null,
        ...(target === 'app'
          ? { dbCpuMicrosPerAlert: acceptedAlerts ? Math.round(dbCpu / acceptedAlerts) : null }
          : {}),
        peakRssMiB: peak,
        loadgenCores,
        ...(paced && latencyByIdx ? { slowEpisodes: slowEpisodes(latencyByIdx, paced).slice(0, 3) } : {}),
      };
      if (target === 'app') {
        const expected = sentReqs.filter((x) => !x.bad).reduce((s, x) => s + x.alerts, 0);
        if (expected !== acceptedAlerts)
          violations.push(`app ${shape}: ${acceptedAlerts} alerts accepted of ${expected} validly signed`);
        const drained = await waitDecided(pool, companyId, acceptedAlerts, DRAIN_SECONDS);
        // Read before the checks below add queries of their own.
        const metrics1 = await metricsText(appBase);
        r.intake = intakeStats(
          commits0,
          commitCounters(metrics1),
          db0Counters!,
          await dbCounters(pool),
          ok,
          acceptedAlerts,
        );
        r.stages = withWorkerTurns(
          stageTimes(metrics0, metrics1),
          workerBase ? stageTimes(workerMetrics0, await metricsText(workerBase)) : null,
        );
        if (PG_STATEMENTS) {
          r.pgStatements = await topStatements(pool, acceptedAlerts);
          r.pgSeqScans = seqScanDelta(scans0!, await tableScans(pool));
        }
        violations.push(...drained.violations.map((v) => `app ${shape}: ${v}`));
        r.decidedLagP50 = drained.lagP50;
        r.decidedLagP99 = drained.lagP99;
        r.drainSeconds = drained.drainSeconds;
        r.maxBacklog = Math.max(0, ...backlogSamples.map((b) => b.pending));
        const badStored = await badSignaturesStored(
          pool,
          companyId,
          sentReqs.filter((x) => x.bad).flatMap((x) => x.seqs),
        );
        if (badStored) violations.push(`app ${shape}: ${badStored} alerts of badly signed requests stored`);
        if (!drained.violations.length)
          violations.push(
            ...(await serialReplayViolations(pool, companyId)).map((v) => `app ${shape}: ${v}`),
          );
        r.push = await pushFigures(sub, pool, companyId, sentReqs, answeredAt);
      }
      results.push(r);
      console.log(
        `  ${target.padEnd(4)} ${shape.padEnd(12)} ${String(r.alertsPerSecond).padStart(8)} alerts/s (${r.alertsPerSecondExact} from start to last answer)  p50 ${r.p50} ms  p99 ${r.p99} ms  CPU ${r.cpuMicrosPerAlert} µs/alert` +
          (r.dbCpuMicrosPerAlert != null ? ` (PostgreSQL ${r.dbCpuMicrosPerAlert})` : '') +
          (r.decidedLagP99 !== undefined
            ? `  decided lag p99 ${r.decidedLagP99} ms  max backlog ${r.maxBacklog}  drained ${r.drainSeconds} s`
            : '') +
          (r.push
            ? `  push p99: alert ${r.push.alertP99} ms, incident ${r.push.incidentP99} ms (after its decision ${r.push.decidedP99} ms, after publication ${r.push.deliveryP99} ms; ${r.push.incidentEvents}/${r.push.incidentsOpened} events)`
            : '') +
          `  load generator ${r.loadgenCores} cores` +
          (r.intake
            ? `  intake: ${r.intake.commits} commits, ${r.intake.requestsPerCommit} req/commit, ${r.intake.dbTransactionsPerRequest} PG xact/req, rows/req ${JSON.stringify(r.intake.rowsPerRequest)}, WAL ${r.intake.walBytesPerAlert} B/alert (${Math.round(r.intake.walFpiShare * 100)} % of records full pages), ${r.intake.checkpoints} checkpoints`
            : '') +
          (r.stages
            ? `  commit p50/p99 ${r.stages.commitP50}/${r.stages.commitP99} ms, in the writer ${r.stages.writeP50}/${r.stages.writeP99} ms, ${r.stages.turns} turns of ${r.stages.alertsPerTurn} alerts p50/p99 ${r.stages.turnP50}/${r.stages.turnP99} ms${r.stages.turnStages.length ? ` (share of turn time, p99 ms: ${r.stages.turnStages.map((x) => `${x.stage} ${Math.round(x.share * 100)} % ${x.p99}`).join(', ')})` : ''}, event-loop delay p99/max ${r.stages.loopDelayP99}/${r.stages.loopDelayMax} ms, live events from publication to the statement's answer p99 ${r.stages.publishP99} ms, to the LISTEN session p99 ${r.stages.notifyP99} ms`
            : ''),
      );
      if (r.slowEpisodes?.length)
        console.log(
          `       the stretches with the most requests over 50 ms (seconds into the run): ` +
            r.slowEpisodes
              .map(
                (e) => `at ${e.fromSeconds} s for ${e.spanMs} ms, ${e.requests} requests, max ${e.maxMs} ms`,
              )
              .join('; '),
        );
      if (r.pgStatements) console.log(statementsTable(`app ${shape}`, r.pgStatements, r.pgSeqScans));
    };

    for (let round = 0; round < ROUNDS; round++) {
      console.log(`round ${round + 1}/${ROUNDS}`);
      for (const perRequest of [1, 100])
        for (const target of ['app', 'ref', 'am'] as const) await runOne(target, perRequest);
      if (round === 0 && PACED_RATES.length) {
        // The paced runs' load generator is our own code (firePaced): one second of it against the
        // reference first, so its cold start (JIT, the agent's first connections) lands on no
        // measured run. The app's paced run comes first and would otherwise pay it.
        const warm = alertStream({ count: 1000, seed: 999, run: 'warm' });
        await fire(`http://127.0.0.1:${refPort}/ingest`, await prepare('ref', warm, 1, refSecret, ''), {
          connections: CONNECTIONS,
          rate: 1000,
        });
      }
      for (const rate of PACED_RATES)
        for (const target of ['app', 'ref', 'am'] as const) await runOne(target, 1, rate);
    }
  } finally {
    await stopAll();
  }

  // Medians per target and shape, and the ratios in the same run.
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length ? s[Math.floor((s.length - 1) / 2)]! : 0;
  };
  const shapes = [...new Set(results.map((r) => r.shape))];
  const table = shapes.map((shape) => {
    const of = (t: Target) => results.filter((r) => r.shape === shape && r.target === t);
    const m = (t: Target, f: (r: RunResult) => number | null | undefined) =>
      median(
        of(t)
          .map(f)
          .filter((x): x is number => typeof x === 'number'),
      );
    return {
      shape,
      app: {
        alertsPerSecond: m('app', (r) => r.alertsPerSecond),
        alertsPerSecondExact: m('app', (r) => r.alertsPerSecondExact),
        loadgenCores: m('app', (r) => r.loadgenCores),
        requestsPerCommit: m('app', (r) => r.intake?.requestsPerCommit),
        dbTransactionsPerRequest: m('app', (r) => r.intake?.dbTransactionsPerRequest),
        walBytesPerAlert: m('app', (r) => r.intake?.walBytesPerAlert),
        p50: m('app', (r) => r.p50),
        p99: m('app', (r) => r.p99),
        cpuMicrosPerAlert: m('app', (r) => r.cpuMicrosPerAlert),
        dbCpuMicrosPerAlert: m('app', (r) => r.dbCpuMicrosPerAlert),
        peakRssMiB: m('app', (r) => r.peakRssMiB),
        decidedLagP50: m('app', (r) => r.decidedLagP50),
        decidedLagP99: m('app', (r) => r.decidedLagP99),
        maxBacklog: m('app', (r) => r.maxBacklog),
        drainSeconds: m('app', (r) => r.drainSeconds),
        pushAlertP50: m('app', (r) => r.push?.alertP50),
        pushAlertP99: m('app', (r) => r.push?.alertP99),
        pushIncidentP50: m('app', (r) => r.push?.incidentP50),
        pushIncidentP99: m('app', (r) => r.push?.incidentP99),
        pushAfterDecisionP50: m('app', (r) => r.push?.decidedP50),
        pushAfterDecisionP99: m('app', (r) => r.push?.decidedP99),
        pushDeliveryP50: m('app', (r) => r.push?.deliveryP50),
        pushDeliveryP99: m('app', (r) => r.push?.deliveryP99),
        commitP50: m('app', (r) => r.stages?.commitP50),
        commitP99: m('app', (r) => r.stages?.commitP99),
        writeP50: m('app', (r) => r.stages?.writeP50),
        writeP99: m('app', (r) => r.stages?.writeP99),
        turns: m('app', (r) => r.stages?.turns),
        alertsPerTurn: m('app', (r) => r.stages?.alertsPerTurn),
        turnP50: m('app', (r) => r.stages?.turnP50),
        turnP99: m('app', (r) => r.stages?.turnP99),
        loopDelayP99: m('app', (r) => r.stages?.loopDelayP99),
        loopDelayMax: m('app', (r) => r.stages?.loopDelayMax),
        notifyP99: m('app', (r) => r.stages?.notifyP99),
        publishP99: m('app', (r) => r.stages?.publishP99),
        // Each stage's median share of the turns' time (runs that reported stages).
        turnStageShares: Object.fromEntries(
          TURN_STAGES.map((stage) => [
            stage,
            m('app', (r) => r.stages?.turnStages.find((x) => x.stage === stage)?.share),
          ]),
        ),
      },
      ref: {
        alertsPerSecond: m('ref', (r) => r.alertsPerSecond),
        alertsPerSecondExact: m('ref', (r) => r.alertsPerSecondExact),
        loadgenCores: m('ref', (r) => r.loadgenCores),
        p99: m('ref', (r) => r.p99),
        cpuMicrosPerAlert: m('ref', (r) => r.cpuMicrosPerAlert),
      },
      am: {
        alertsPerSecond: m('am', (r) => r.alertsPerSecond),
        alertsPerSecondExact: m('am', (r) => r.alertsPerSecondExact),
        loadgenCores: m('am', (r) => r.loadgenCores),
        p99: m('am', (r) => r.p99),
        cpuMicrosPerAlert: m('am', (r) => r.cpuMicrosPerAlert),
      },
    };
  });
  console.log('\nmedians (alerts/s accepted; latency ms; CPU µs per alert incl. PostgreSQL for the app)');
  console.log(
    'shape         app/s    ref/s     am/s  app÷ref  app÷am  app p99  am p99  app CPU µs  decided lag p99  max backlog  drain s  push alert p99  push incident p99  after decision p99  after publication p99',
  );
  for (const t of table) {
    const ratio = (a: number, b: number) => (b ? (a / b).toFixed(2) : '-');
    console.log(
      `${t.shape.padEnd(12)} ${String(t.app.alertsPerSecond).padStart(7)} ${String(t.ref.alertsPerSecond).padStart(8)} ${String(t.am.alertsPerSecond).padStart(8)} ` +
        `${ratio(t.app.alertsPerSecond, t.ref.alertsPerSecond).padStart(8)} ${ratio(t.app.alertsPerSecond, t.am.alertsPerSecond).padStart(7)} ` +
        `${String(t.app.p99).padStart(8)} ${String(t.am.p99).padStart(7)} ${String(t.app.cpuMicrosPerAlert).padStart(11)} ${String(t.app.decidedLagP99).padStart(16)} ${String(t.app.maxBacklog).padStart(12)} ${String(t.app.drainSeconds).padStart(8)}` +
        ` ${String(t.app.pushAlertP99).padStart(15)} ${String(t.app.pushIncidentP99).padStart(18)} ${String(t.app.pushAfterDecisionP99).padStart(19)} ${String(t.app.pushDeliveryP99).padStart(22)}`,
    );
  }
  console.log(
    "\nthe same, alerts/s from the start to the last answer (autocannon rounds its duration up to whole seconds), the load generator's CPU (cores), the app's group commits and the WAL its PostgreSQL wrote per alert",
  );
  console.log(
    'shape        app/s exact  ref/s exact  am/s exact  app÷am exact  loadgen app/ref/am  req/commit  PG xact/req  WAL B/alert',
  );
  for (const t of table) {
    const ratio = (a: number, b: number) => (b ? (a / b).toFixed(2) : '-');
    console.log(
      `${t.shape.padEnd(12)} ${String(t.app.alertsPerSecondExact).padStart(11)} ${String(t.ref.alertsPerSecondExact).padStart(12)} ${String(t.am.alertsPerSecondExact).padStart(11)} ` +
        `${ratio(t.app.alertsPerSecondExact, t.am.alertsPerSecondExact).padStart(13)} ${`${t.app.loadgenCores}/${t.ref.loadgenCores}/${t.am.loadgenCores}`.padStart(19)} ${String(t.app.requestsPerCommit).padStart(11)} ${String(t.app.dbTransactionsPerRequest).padStart(12)} ${String(t.app.walBytesPerAlert).padStart(12)}`,
    );
  }
  console.log(
    "\nwhere the app's time went (from its histograms; ms): group commits, a request's time in the writer (its 2xx waits for it), correlation turns, the web server's event-loop delay, live events' publication to the publishing statement's answer and to its LISTEN session",
  );
  console.log(
    'shape        commit p50  commit p99  writer p50  writer p99  turns  alerts/turn  turn p50  turn p99  loop p99  loop max  publish p99  notify p99',
  );
  for (const t of table)
    console.log(
      `${t.shape.padEnd(12)} ${String(t.app.commitP50).padStart(10)} ${String(t.app.commitP99).padStart(11)} ${String(t.app.writeP50).padStart(11)} ${String(t.app.writeP99).padStart(11)} ` +
        `${String(t.app.turns).padStart(6)} ${String(t.app.alertsPerTurn).padStart(12)} ${String(t.app.turnP50).padStart(9)} ${String(t.app.turnP99).padStart(9)}` +
        ` ${String(t.app.loopDelayP99).padStart(9)} ${String(t.app.loopDelayMax).padStart(9)} ${String(t.app.publishP99).padStart(12)} ${String(t.app.notifyP99).padStart(11)}`,
    );
  console.log("\nthe correlation turns' time by stage (median share, %; aw_correlation_turn_stage_seconds)");
  console.log(`shape       ${TURN_STAGES.map((s) => s.padStart(7)).join('')}`);
  for (const t of table)
    console.log(
      `${t.shape.padEnd(12)}${TURN_STAGES.map((s) => String(Math.round((t.app.turnStageShares[s] ?? 0) * 100)).padStart(7)).join('')}`,
    );
  const load1 = os.loadavg();
  const report = {
    date: new Date().toISOString(),
    quick: QUICK,
    rounds: ROUNDS,
    connections: CONNECTIONS,
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model,
      memGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
    },
    loadavgBefore: load0,
    loadavgAfter: load1,
    seconds: Math.round((Date.now() - t0) / 1000),
    medians: table,
    runs: results,
    violations,
  };
  // In a folder of its own: `npm test` reads the JSON files directly in .reports as test reports.
  mkdirSync(path.join(root, '.reports', 'bench'), { recursive: true });
  writeFileSync(path.join(root, '.reports', 'bench', 'bench.json'), JSON.stringify(report, null, 2));
  console.log(
    `\nload average before ${load0.map((x) => x.toFixed(2)).join(' ')}, after ${load1.map((x) => x.toFixed(2)).join(' ')}; ${report.seconds} s; .reports/bench/bench.json`,
  );
  if (violations.length) {
    console.error(`\n✗ correctness violations:\n  ${violations.join('\n  ')}`);
    process.exit(1);
  }
  console.log('✓ correctness: every run answered as expected, stored what it accepted and decided it');
}

await main();

function reportSoak(soakReport: Awaited<ReturnType<typeof soak>> | null, t0: number, load0: number[]) {
  const load1 = os.loadavg();
  const r = soakReport?.result;
  if (r) {
    const mem = (name: string, m: typeof r.appRss) =>
      `${name}: start ${m.startMiB} MiB, peak ${m.peakMiB} MiB, end of load ${m.endOfLoadMiB} MiB, end ${m.endMiB} MiB, last-half slope ${m.lastHalfSlopeMiBPerMin} MiB/min`;
    console.log(
      `\nsoak: ${r.alertsAccepted.toLocaleString('en')} of ${r.alertsSent.toLocaleString('en')} alerts accepted in ${r.loadSeconds} s (${r.alertsPerSecond}/s, ${r.perRequest}/req${r.companies > 1 ? `, ${r.companies} companies` : ''}), ` +
        `chunk p99 median ${r.chunkP99Median} ms (max ${r.chunkP99Max}), CPU ${r.cpuMicrosPerAlert} µs/alert (PostgreSQL ${r.dbCpuMicrosPerAlert}), decided lag p99 ${r.decidedLagP99} ms, max backlog ${r.maxBacklog}, drained ${r.drainSeconds} s after`,
    );
    console.log(`  ${mem('app', r.appRss)}\n  ${mem('PostgreSQL', r.pgRss)}`);
    if (soakReport?.worstSeconds.length)
      console.log(
        `  worst seconds of the load (decided lag p99): ${soakReport.worstSeconds.map((w) => `${w.second} s: ${w.lagP99} ms (${w.alerts} alerts)`).join(', ')}`,
      );
    if (soakReport?.statements)
      console.log(statementsTable('soak', soakReport.statements, [], soakReport.statementTotals));
  }
  const report = {
    date: new Date().toISOString(),
    soak: true,
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
    loadavgBefore: load0,
    loadavgAfter: load1,
    seconds: Math.round((Date.now() - t0) / 1000),
    result: r ?? null,
    rssSamples: soakReport?.rssSamples ?? [],
    statements: soakReport?.statements ?? null,
    statementTotals: soakReport?.statementTotals ?? null,
    worstSeconds: soakReport?.worstSeconds ?? [],
    violations,
  };
  mkdirSync(path.join(root, '.reports', 'bench'), { recursive: true });
  writeFileSync(path.join(root, '.reports', 'bench', 'soak.json'), JSON.stringify(report, null, 2));
  console.log(
    `\nload average before ${load0.map((x) => x.toFixed(2)).join(' ')}, after ${load1.map((x) => x.toFixed(2)).join(' ')}; ${report.seconds} s; .reports/bench/soak.json`,
  );
  if (violations.length) {
    console.error(`\n✗ correctness violations:\n  ${violations.join('\n  ')}`);
    process.exit(1);
  }
  console.log('✓ correctness: the soak answered as expected, stored what it accepted and decided it');
}
