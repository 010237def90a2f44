// Load script for the ingestion write path: one alert per request, signed like a real sender,
// over keep-alive loopback connections to the standalone ingest server (a separate process, so
// client and server do not share one event loop). Every 202 is durable (committed) before it is
// sent. Reports alerts/s.
//
//   npx tsx bench/ingest-load.ts [--count 20000] [--seconds 30] [--concurrency 64] [--unsigned] [--workers 1] [--alertmanager]
//     [--company-budget <alerts per minute>]
//
// --alertmanager then runs the same client against Debian's prometheus-alertmanager (alerts kept
// in memory, POST /api/v2/alerts, one alert per request) on this machine, for comparison.
//
// Without DATABASE_URL it starts a throwaway embedded PostgreSQL 17 and removes it afterwards.
// Bounded: stops after --count requests or --seconds, whichever comes first. Loopback only.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createPrismaClient } from '@aw/db';
import { createTestDatabase, freePort } from '@aw/db/testing';
import { createApiKey, rotateWebhookSecret, signatureHeaders } from '@aw/ingest';
import { startEmbedded17 } from '../packages/db/src/testing/postgres.ts';
import { cpuMicros, postmasterFor } from './lib/procs.ts';

const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '20000' },
    seconds: { type: 'string', default: '30' },
    concurrency: { type: 'string', default: '64' },
    unsigned: { type: 'boolean', default: false },
    workers: { type: 'string', default: '1' },
    alertmanager: { type: 'boolean', default: false },
    // The per-company budget (INGEST_COMPANY_ALERTS_PER_MINUTE; on by default in the app): 0 = off.
    'company-budget': { type: 'string', default: '0' },
  },
});
const COUNT = Math.min(Number(args.count), 1_000_000);
const SECONDS = Math.min(Number(args.seconds), 300);
const CONCURRENCY = Math.min(Number(args.concurrency), 1024);
const root = path.resolve(import.meta.dirname, '..');

async function main() {
  const encryptionKey = randomBytes(32).toString('base64');
  let stopPg: (() => Promise<void>) | null = null;
  let url = process.env.DATABASE_URL;
  let drop: (() => Promise<void>) | null = null;
  if (!url) {
    console.log('starting a throwaway embedded PostgreSQL 17 …');
    const pg17 = await startEmbedded17();
    stopPg = () => pg17.stop();
    const db = await createTestDatabase(pg17);
    url = db.url;
    drop = () => db.drop();
  }
  const prisma = createPrismaClient(url, { max: 2 });
  const msp = await prisma.msp.create({
    data: { name: 'Bench', slug: `bench-${randomBytes(3).toString('hex')}` },
  });
  const company = await prisma.company.create({
    data: {
      mspId: msp.id,
      name: 'Bench Co',
      slug: 'bench',
      awsExternalId: `bench-${randomBytes(8).toString('hex')}`,
    },
  });
  const svc = { prisma, companyId: company.id, actorId: null };
  const { key } = await createApiKey({ ...svc, input: { name: 'bench', allowUnsigned: args.unsigned } });
  const { secret } = await rotateWebhookSecret({ ...svc, encryptionKey, input: {} });

  const port = await freePort();
  const profile = process.env.BENCH_CPU_PROF
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
    : [];
  const server = spawn(
    process.execPath,
    [...profile, '--import', 'tsx', path.join(root, 'packages/ingest/src/server.ts')],
    {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: url,
        APP_ENCRYPTION_KEY: encryptionKey,
        INGEST_PORT: String(port),
        INGEST_WORKERS: String(Math.min(Number(args.workers), 8)),
        HOST: '127.0.0.1',
        INGEST_RATE_LIMIT_PER_MINUTE: '100000000',
        // One company by design: no per-company budget unless asked for (then set it far above the load).
        INGEST_COMPANY_ALERTS_PER_MINUTE: String(Number(args['company-budget'])),
        NODE_ENV: 'production',
        AUTH_SECRET: 'x'.repeat(40),
        AUTH_URL: 'http://127.0.0.1',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  try {
    for (let i = 0; ; i++) {
      const ok = await new Promise<boolean>((r) =>
        http
          .get({ host: '127.0.0.1', port, path: '/healthz', agent }, (res) => r(res.statusCode === 200))
          .on('error', () => r(false)),
      );
      if (ok) break;
      if (i > 150) throw new Error('ingest server did not start');
      await new Promise((r) => setTimeout(r, 200));
    }

    // Bodies and signatures are prepared before the clock starts (timestamps stay inside ±300 s).
    console.log(`preparing ${COUNT} ${args.unsigned ? 'unsigned' : 'signed'} requests …`);
    const reqs: { body: string; headers: Record<string, string> }[] = [];
    for (let i = 0; i < COUNT; i++) {
      const body = JSON.stringify({
        asset: `host-${i % 500}`,
        signature: `check_${i % 37}`,
        severity: 'high',
        summary: 'load test alert',
        occurredAt: new Date(Date.now() - i).toISOString(),
        labels: { bench: 'true', seq: String(i) },
      });
      const headers: Record<string, string> = { 'content-type': 'application/json', 'x-api-key': key };
      if (!args.unsigned) Object.assign(headers, await signatureHeaders(secret, body));
      headers['content-length'] = String(Buffer.byteLength(body));
      reqs.push({ body, headers });
    }

    // CPU of the server's process tree and of the PostgreSQL server (its backends included).
    const pgPid = postmasterFor(Number(new URL(url).port));
    const server0 = cpuMicros([server.pid!]);
    const pg0 = pgPid ? cpuMicros([pgPid]) : 0;
    const { statuses, latencies, elapsed } = await load(port, '/api/v1/alerts', reqs, agent);
    const serverCpu = cpuMicros([server.pid!]) - server0;
    const pgCpu = pgPid ? cpuMicros([pgPid]) - pg0 : 0;
    const accepted = statuses.get(202) ?? 0;
    const stored = await prisma.alert.count({ where: { companyId: company.id } });
    console.log(
      [
        `requests: ${latencies.length} in ${elapsed.toFixed(2)} s, concurrency ${CONCURRENCY}, ${args.unsigned ? 'unsigned' : 'HMAC-signed'}`,
        `statuses: ${[...statuses].map(([s, n]) => `${s}×${n}`).join(' ')}`,
        `stored rows: ${stored} (each committed before its 202)`,
        `latency ms: ${latencySummary(latencies)}`,
        `CPU µs per accepted alert: server ${Math.round(serverCpu / (accepted || 1))}, PostgreSQL ${pgPid ? Math.round(pgCpu / (accepted || 1)) : '-'} (load average ${os.loadavg()[0]!.toFixed(2)})`,
        `==> ${Math.round(accepted / elapsed)} alerts/s`,
      ].join('\n'),
    );
    if (stored !== accepted) process.exitCode = 1;
    if (args.alertmanager) await compareAlertmanager(reqs.length);
  } finally {
    agent.destroy();
    if (server.pid && server.exitCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      process.kill(server.pid, 'SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    }
    await prisma.$disconnect();
    await drop?.();
    await stopPg?.();
  }
}

type Prepared = { body: string; headers: Record<string, string> };

function latencySummary(latencies: number[]): string {
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]!.toFixed(1);
  return `p50 ${pct(0.5)} p99 ${pct(0.99)} max ${latencies[latencies.length - 1]!.toFixed(1)}`;
}

/** CONCURRENCY keep-alive clients post the prepared requests until done or out of time. */
async function load(port: number, urlPath: string, reqs: Prepared[], agent: http.Agent) {
  const statuses = new Map<number, number>();
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  const worker = async () => {
    while (next < reqs.length && performance.now() < deadline) {
      const r = reqs[next++]!;
      const t0 = performance.now();
      const status = await new Promise<number>((resolve) => {
        const req = http.request(
          { host: '127.0.0.1', port, path: urlPath, method: 'POST', headers: r.headers, agent },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', () => resolve(0));
        req.end(r.body);
      });
      latencies.push(performance.now() - t0);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { statuses, latencies, elapsed: (performance.now() - started) / 1000 };
}

async function compareAlertmanager(count: number) {
  const bin = ['/usr/bin/prometheus-alertmanager', '/usr/local/bin/prometheus-alertmanager'].find((b) =>
    existsSync(b),
  );
  if (!bin) {
    console.log('prometheus-alertmanager is not installed: no comparison');
    return;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aw-am-bench-'));
  writeFileSync(path.join(dir, 'am.yml'), 'route:\n  receiver: devnull\nreceivers:\n  - name: devnull\n');
  const port = await freePort();
  const am = spawn(
    bin,
    [
      `--config.file=${path.join(dir, 'am.yml')}`,
      `--storage.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ],
    { stdio: 'ignore' },
  );
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  try {
    for (let i = 0; ; i++) {
      const ok = await new Promise<boolean>((r) =>
        http
          .get(
            { host: '127.0.0.1', port, path: '/-/ready', agent },
            (res) => (res.resume(), r(res.statusCode === 200)),
          )
          .on('error', () => r(false)),
      );
      if (ok) break;
      if (i > 150) throw new Error('alertmanager did not start');
      await new Promise((r) => setTimeout(r, 200));
    }
    const reqs: Prepared[] = [];
    for (let i = 0; i < count; i++) {
      const body = JSON.stringify([
        {
          labels: { alertname: `check_${i % 37}`, instance: `host-${i % 500}`, seq: String(i) },
          annotations: { summary: 'load test alert' },
          startsAt: new Date(Date.now() - i).toISOString(),
        },
      ]);
      reqs.push({
        body,
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
      });
    }
    const { statuses, latencies, elapsed } = await load(port, '/api/v2/alerts', reqs, agent);
    console.log(
      [
        `alertmanager (in memory): ${latencies.length} requests in ${elapsed.toFixed(2)} s, statuses: ${[...statuses].map(([s, n]) => `${s}×${n}`).join(' ')}`,
        `latency ms: ${latencySummary(latencies)}`,
        `==> alertmanager ${Math.round((statuses.get(200) ?? 0) / elapsed)} alerts/s`,
      ].join('\n'),
    );
  } finally {
    agent.destroy();
    if (am.pid && am.exitCode === null) {
      const exited = new Promise((r) => am.once('exit', r));
      process.kill(am.pid, 'SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
