// `npm run bench` (`-- --quick` for CI): the ingest benchmark on the path users actually use, side by
// side with two references measured in the same run:
//   app  — the production app exactly as `npm start` serves it (scripts/start.ts, its own PostgreSQL)
//   ref  — bench/reference-server.ts: node:http + JSON.parse + HMAC check, stores nothing
//   am   — Debian's prometheus-alertmanager, in memory, grouping by instance and alertname
// One load generator for all three (autocannon), pre-signed deterministic streams (bench/lib/stream),
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
import autocannon from 'autocannon';
import pg from 'pg';
import { createPrismaClient } from '@aw/db';
import { createTestDatabase, freePort } from '@aw/db/testing';
import { createApiKey, rotateWebhookSecret, signatureHeaders } from '@aw/ingest';
import { startEmbedded17 } from '../packages/db/src/testing/postgres.ts';
import { backlogSampler, badSignaturesStored, serialReplayViolations, waitDecided } from './lib/checks.ts';
import { cpuMicros, postmasterFor, rssSampler } from './lib/procs.ts';
import { alertStream, toAlertmanager, type StreamAlert } from './lib/stream.ts';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    connections: { type: 'string', default: '64' },
    'drain-seconds': { type: 'string' },
  },
});
const QUICK = args.quick;
const ROUNDS = Number(args.rounds ?? (QUICK ? 1 : 3));
const CONNECTIONS = Number(args.connections);
const SINGLE = QUICK ? 3_000 : 20_000; // requests of 1 alert per run
const BATCHED = QUICK ? 100 : 1_000; // requests of 100 alerts per run
const PACED_SECONDS = QUICK ? 3 : 10;
// After each app run every accepted alert must be decided within this bound (a correctness check:
// a backlog that does not drain is a failure; how fast it drains is reported, never asserted).
const DRAIN_SECONDS = Number(args['drain-seconds'] ?? 120);
const root = path.resolve(import.meta.dirname, '..');

type Target = 'app' | 'ref' | 'am';
interface RunResult {
  target: Target;
  shape: string;
  alertsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  cpuMicrosPerAlert: number | null;
  peakRssMiB: number | null;
  decidedLagP50?: number;
  decidedLagP99?: number;
  /** Seconds from the end of the load until nothing of the run was PENDING. */
  drainSeconds?: number;
  /** The largest PENDING backlog sampled while the load ran. */
  maxBacklog?: number;
}
const violations: string[] = [];

// ---- peers -----------------------------------------------------------------------------------
async function waitFor(url: string, what: string, child: ChildProcess, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what} did not answer ${url} within ${timeoutMs / 1000} s`);
}

async function stop(child: ChildProcess | null, group = false) {
  if (!child?.pid || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  try {
    if (group) process.kill(-child.pid, 'SIGINT');
    else child.kill('SIGTERM');
  } catch {
    /* gone */
  }
  await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
  if (child.exitCode === null) {
    try {
      process.kill(group ? -child.pid : child.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

function alertmanagerBin(): string {
  const bin = ['/usr/bin/prometheus-alertmanager', '/usr/local/bin/prometheus-alertmanager'].find((b) =>
    existsSync(b),
  );
  if (!bin)
    throw new Error('prometheus-alertmanager is not installed: apt-get install prometheus-alertmanager');
  return bin;
}

// ---- load ------------------------------------------------------------------------------------
interface Prepared {
  body: string;
  headers: Record<string, string>;
  alerts: number;
  bad: boolean;
  /** The stream positions (label `seq`) of the request's alerts. */
  seqs: string[];
}

async function prepare(
  target: Target,
  stream: StreamAlert[],
  perRequest: number,
  secret: string,
  key: string,
) {
  const out: Prepared[] = [];
  const now = Math.floor(Date.now() / 1000);
  for (let i = 0, n = 0; i < stream.length; i += perRequest, n++) {
    const chunk = stream.slice(i, i + perRequest);
    const body =
      target === 'am' ? JSON.stringify(chunk.map(toAlertmanager)) : JSON.stringify({ alerts: chunk });
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    // 1 % of the app's and the reference's requests carry a wrong signature: all must be refused.
    const bad = target !== 'am' && n % 100 === 99;
    if (target !== 'am') {
      Object.assign(headers, await signatureHeaders(bad ? 'not-the-secret' : secret, body, now));
      headers['x-api-key'] = key;
    }
    out.push({ body, headers, alerts: chunk.length, bad, seqs: chunk.map((a) => a.labels.seq!) });
  }
  return out;
}

async function fire(url: string, reqs: Prepared[], opts: { rate?: number } = {}) {
  let i = 0;
  const statuses = new Map<number, number>();
  const res = await new Promise<autocannon.Result>((resolve, reject) => {
    const inst = autocannon(
      {
        url,
        method: 'POST',
        connections: CONNECTIONS,
        amount: reqs.length,
        ...(opts.rate ? { overallRate: opts.rate } : {}),
        timeout: 30,
        requests: [
          {
            setupRequest: (req) => {
              const r = reqs[i++ % reqs.length]!;
              return { ...req, body: r.body, headers: r.headers };
            },
          },
        ],
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
    inst.on('response', (_client, status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1));
  });
  return { res, statuses, sent: Math.min(i, reqs.length) };
}

async function main() {
  const t0 = Date.now();
  const load0 = os.loadavg();
  console.log(
    `bench${QUICK ? ' --quick' : ''}: ${ROUNDS} rounds, ${CONNECTIONS} connections, ${os.cpus().length} cores`,
  );
  const server = await startEmbedded17();
  let app: ChildProcess | null = null;
  let ref: ChildProcess | null = null;
  let am: ChildProcess | null = null;
  let dbHandle: Awaited<ReturnType<typeof createTestDatabase>> | null = null;
  let prismaHandle: ReturnType<typeof createPrismaClient> | null = null;
  let poolHandle: pg.Pool | null = null;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'aw-bench-'));
  // Everything started here stops here, by PID, on success, on failure and on Ctrl-C / SIGTERM.
  let stopping: Promise<void> | null = null;
  const stopAll = () =>
    (stopping ??= (async () => {
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
    const encryptionKey = randomBytes(32).toString('base64');
    const msp = await prisma.msp.create({
      data: { name: 'Bench', slug: `bench-${randomBytes(3).toString('hex')}` },
    });

    // The app, exactly as `npm start` serves it (production build, one port), on our database.
    const appPort = await freePort();
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
      },
    });
    await waitFor(`http://127.0.0.1:${appPort}/api/health`, 'the app', app, 900_000);
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
    const pgPid = postmasterFor(Number(new URL(server.templateUrl).port));

    let runNo = 0;
    const runOne = async (target: Target, perRequest: number, paced?: number) => {
      runNo++;
      const runTag = `r${runNo}`;
      const count = paced ? paced * PACED_SECONDS : perRequest === 1 ? SINGLE : BATCHED * perRequest;
      const stream = alertStream({ count, seed: runNo, run: runTag });
      let companyId = '';
      let key = '';
      let secret = refSecret;
      if (target === 'app') {
        const company = await prisma.company.create({
          data: {
            mspId: msp.id,
            name: `Bench ${runTag}`,
            slug: `bench-${runTag}`,
            awsExternalId: `bench-${randomBytes(8).toString('hex')}`,
          },
        });
        companyId = company.id;
        const svc = { prisma, companyId, actorId: null };
        key = (await createApiKey({ ...svc, input: { name: runTag } })).key;
        secret = (await rotateWebhookSecret({ ...svc, encryptionKey, input: {} })).secret;
      }
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
      const rss = rssSampler(pids);
      const backlog = target === 'app' ? backlogSampler(pool, companyId) : null;
      const { res, statuses, sent } = await fire(url, reqs, paced ? { rate: paced / perRequest } : {});
      const peak = rss.stop();
      const backlogSamples = backlog?.stop() ?? [];
      const cpu = cpuMicros(pids) - cpu0;
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
        p50: res.latency.p50,
        p99: res.latency.p99,
        non2xx: res.non2xx - badSent,
        cpuMicrosPerAlert: acceptedAlerts ? Math.round(cpu / acceptedAlerts) : null,
        peakRssMiB: peak,
      };
      if (target === 'app') {
        const expected = sentReqs.filter((x) => !x.bad).reduce((s, x) => s + x.alerts, 0);
        if (expected !== acceptedAlerts)
          violations.push(`app ${shape}: ${acceptedAlerts} alerts accepted of ${expected} validly signed`);
        const drained = await waitDecided(pool, companyId, acceptedAlerts, DRAIN_SECONDS);
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
      }
      results.push(r);
      console.log(
        `  ${target.padEnd(4)} ${shape.padEnd(12)} ${String(r.alertsPerSecond).padStart(8)} alerts/s  p50 ${r.p50} ms  p99 ${r.p99} ms` +
          (r.decidedLagP99 !== undefined
            ? `  decided lag p99 ${r.decidedLagP99} ms  max backlog ${r.maxBacklog}  drained ${r.drainSeconds} s`
            : ''),
      );
    };

    for (let round = 0; round < ROUNDS; round++) {
      console.log(`round ${round + 1}/${ROUNDS}`);
      for (const perRequest of [1, 100])
        for (const target of ['app', 'ref', 'am'] as const) await runOne(target, perRequest);
      for (const rate of [1000, 5000])
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
        p50: m('app', (r) => r.p50),
        p99: m('app', (r) => r.p99),
        cpuMicrosPerAlert: m('app', (r) => r.cpuMicrosPerAlert),
        peakRssMiB: m('app', (r) => r.peakRssMiB),
        decidedLagP50: m('app', (r) => r.decidedLagP50),
        decidedLagP99: m('app', (r) => r.decidedLagP99),
        maxBacklog: m('app', (r) => r.maxBacklog),
        drainSeconds: m('app', (r) => r.drainSeconds),
      },
      ref: {
        alertsPerSecond: m('ref', (r) => r.alertsPerSecond),
        p99: m('ref', (r) => r.p99),
        cpuMicrosPerAlert: m('ref', (r) => r.cpuMicrosPerAlert),
      },
      am: {
        alertsPerSecond: m('am', (r) => r.alertsPerSecond),
        p99: m('am', (r) => r.p99),
        cpuMicrosPerAlert: m('am', (r) => r.cpuMicrosPerAlert),
      },
    };
  });
  console.log('\nmedians (alerts/s accepted; latency ms; CPU µs per alert incl. PostgreSQL for the app)');
  console.log(
    'shape         app/s    ref/s     am/s  app÷ref  app÷am  app p99  am p99  app CPU µs  decided lag p99  max backlog  drain s',
  );
  for (const t of table) {
    const ratio = (a: number, b: number) => (b ? (a / b).toFixed(2) : '-');
    console.log(
      `${t.shape.padEnd(12)} ${String(t.app.alertsPerSecond).padStart(7)} ${String(t.ref.alertsPerSecond).padStart(8)} ${String(t.am.alertsPerSecond).padStart(8)} ` +
        `${ratio(t.app.alertsPerSecond, t.ref.alertsPerSecond).padStart(8)} ${ratio(t.app.alertsPerSecond, t.am.alertsPerSecond).padStart(7)} ` +
        `${String(t.app.p99).padStart(8)} ${String(t.am.p99).padStart(7)} ${String(t.app.cpuMicrosPerAlert).padStart(11)} ${String(t.app.decidedLagP99).padStart(16)} ${String(t.app.maxBacklog).padStart(12)} ${String(t.app.drainSeconds).padStart(8)}`,
    );
  }
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
