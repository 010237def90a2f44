// The scale-out proof, short form (docs/DEPLOYMENT.md, "Sizing"): one PostgreSQL, two production
// web servers (PROCESS_ROLE=web, apps/web/server.mjs on the built app) and two workers
// (PROCESS_ROLE=worker, `npm run worker`), signed alerts sent to both web instances. Midway one web
// instance and one worker are killed with kill -9 while requests are in flight. Then:
//   - every alert answered 202 is stored (acked means committed), and all are decided;
//   - each correlation key has exactly one incident, holding every stored alert of that key;
//   - every live event of the MSP reaches a subscriber on each web instance (the one whose instance
//     died resumes on its restart with Last-Event-ID, as a browser's EventSource does);
//   - each runbook execution sent exactly one command to the (fake) AWS account.
// Size with SCALE_OUT_KEYS / SCALE_OUT_ALERTS_PER_KEY; the figures are printed as `[scale-out] …`.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cloudFormationTemplate, HYBRID_ROLE_NAME, AwsRuntime, syncNodes } from '@aw/aws';
import { FakeAws } from '@aw/aws-fake';
import { hashPassword } from '@aw/core/password';
import { createPool, createPrismaClient, type PrismaClient } from '@aw/db';
import { createTestDatabase, freePort } from '@aw/db/testing';
import { signatureHeaders } from '@aw/ingest/hmac';
import { createCompany, TEST_ENCRYPTION_KEY, type TestCompany } from '@aw/ingest/testing';
import { ensureRunbooks, installDocuments } from '@aw/runbooks';
import {
  ensureWebBuild,
  startWeb,
  startWorker,
  until,
  waitHttp,
  type AppProcess,
} from './testing/cluster.ts';
import { subscribe, type SseSubscriber } from './testing/sse-client.ts';

const target = inject('pgTargets')[0]!;
const KEYS = Number(process.env.SCALE_OUT_KEYS ?? 24);
const PER_KEY = Number(process.env.SCALE_OUT_ALERTS_PER_KEY ?? 6);
const CONCURRENCY = Number(process.env.SCALE_OUT_CONCURRENCY ?? 8);
const MSP_ACCOUNT = '111122223333';
const REGION = 'us-east-1';
const PASSWORD = 'scale out password 1';
const METRICS_TOKEN = randomBytes(18).toString('hex');
const log = (line: string) => console.log(`[scale-out] ${line}`);

/** GET /metrics as Prometheus scrapes it; the samples by series name (with labels). */
async function scrape(
  port: number,
  token?: string,
): Promise<{ status: number; text: string; samples: Map<string, number> }> {
  const r = await fetch(`http://127.0.0.1:${port}/metrics`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const text = await r.text();
  const samples = new Map<string, number>();
  if (r.status === 200)
    for (const line of text.split('\n')) {
      if (!line || line.startsWith('#')) continue;
      const i = line.lastIndexOf(' ');
      samples.set(line.slice(0, i), Number(line.slice(i + 1)));
    }
  return { status: r.status, text, samples };
}

interface Sent {
  fp: string;
  company: TestCompany;
  asset: string;
  signature: string;
}

describe(`scale-out: 2 web + 2 workers on one ${target.name}`, () => {
  let db: { url: string; drop(): Promise<void> };
  let prisma: PrismaClient;
  let pool: pg.Pool;
  let fake: FakeAws;
  let load: TestCompany;
  let heal: TestCompany & { accountId: string; nodes: string[] };
  let email: string;
  const procs: AppProcess[] = [];
  const subs: SseSubscriber[] = [];
  let env: Record<string, string>;
  const logDir = mkdtempSync(path.join(os.tmpdir(), 'aw-scale-out-'));
  let ports: number[];

  beforeAll(async () => {
    const buildSeconds = ensureWebBuild();
    log(`web build (turbo; cached when unchanged): ${buildSeconds.toFixed(1)} s`);
    db = await createTestDatabase(target);
    prisma = createPrismaClient(db.url, { max: 4 });
    pool = createPool(db.url, { max: 4 });
    fake = new FakeAws({ stepMs: 30 });
    await fake.start();
    fake.createAccount(MSP_ACCOUNT);
    const keys = fake.createUser(MSP_ACCOUNT, 'alert-whisperer-platform');

    const msp = await prisma.msp.create({
      data: { name: 'Scale MSP', slug: `scale-${randomBytes(3).toString('hex')}`, awsAccountId: MSP_ACCOUNT },
    });
    email = `owner-${randomBytes(3).toString('hex')}@example.com`;
    const user = await prisma.user.create({
      data: { email, name: 'Owner', passwordHash: await hashPassword(PASSWORD) },
    });
    await prisma.membership.create({ data: { userId: user.id, mspId: msp.id, role: 'OWNER' } });
    load = await createCompany(prisma, msp.id, 'load');

    // The healed company: its account on the fake AWS (the platform's template), three nodes,
    // the runbook documents installed, and an AUTO policy for disk_full.
    const h = await createCompany(prisma, msp.id, 'heal');
    const accountId = '400000000001';
    fake.createAccount(accountId);
    const row = await prisma.company.findUniqueOrThrow({ where: { id: h.id } });
    const outputs = fake.createStack(accountId, cloudFormationTemplate(), {
      parameters: { ExternalId: row.awsExternalId, TrustedAccountId: MSP_ACCOUNT },
      region: REGION,
    });
    await prisma.company.update({
      where: { id: h.id },
      data: { simulated: true, awsRoleArn: outputs.RoleArn!, awsRegion: REGION },
    });
    fake.addEc2Instance(accountId, REGION, { name: 'heal-web-01' });
    const act = fake.seedActivation(accountId, REGION, { iamRole: HYBRID_ROLE_NAME, limit: 5 });
    for (const [name, ip] of [
      ['heal-db-01', '10.9.0.11'],
      ['heal-files-01', '10.9.0.12'],
    ] as const)
      fake.registerManagedInstance({
        ...act,
        region: REGION,
        name,
        computerName: `${name}.corp`,
        ipAddress: ip,
      });
    const runtime = new AwsRuntime({
      fake: { endpoint: fake.endpoint, ...keys },
      platformAccountId: MSP_ACCOUNT,
    });
    await syncNodes({ prisma, runtime, companyId: h.id, actorId: null });
    await installDocuments({ prisma, runtime, companyId: h.id, actorId: null });
    runtime.destroy();
    const runbooks = await ensureRunbooks(prisma, msp.id);
    await prisma.runbookPolicy.create({
      data: {
        mspId: msp.id,
        companyId: h.id,
        runbookId: runbooks.find((r) => r.name === 'MSP-DiskCleanup')!.id,
        signature: 'disk_full',
        mode: 'AUTO',
        bootGraceMinutes: 0,
        verifyMinutes: 1,
      },
    });
    // Alerts on two nodes: the runbook guardrail allows two executions at once per company.
    heal = { ...h, accountId, nodes: ['heal-web-01', 'heal-db-01'] };

    const base = Number(process.env.SCALE_OUT_BASE_PORT ?? 0);
    ports = [];
    for (let i = 0; i < 4; i++) ports.push(base ? base + i : await freePort());
    env = {
      DATABASE_URL: db.url,
      NODE_ENV: 'production',
      AUTH_SECRET: randomBytes(32).toString('base64'),
      APP_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      FAKE_AWS_ENDPOINT: fake.endpoint,
      FAKE_AWS_ACCESS_KEY_ID: keys.accessKeyId,
      FAKE_AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
      PLATFORM_AWS_ACCOUNT_ID: MSP_ACCOUNT,
      NEXT_TELEMETRY_DISABLED: '1',
      LOG_LEVEL: 'warn',
      METRICS_TOKEN,
    };
    procs.push(
      startWeb('web-a', ports[0]!, env, logDir),
      startWeb('web-b', ports[1]!, env, logDir),
      startWorker('worker-1', ports[2]!, env, logDir),
      startWorker('worker-2', ports[3]!, env, logDir),
    );
    const t0 = Date.now();
    await Promise.all(procs.map((p) => waitHttp(p, '/api/health')));
    log(`2 web + 2 workers healthy in ${((Date.now() - t0) / 1000).toFixed(1)} s (logs in ${logDir})`);
  }, 900_000);

  afterAll(async () => {
    for (const s of subs) s.close();
    await Promise.all(procs.map((p) => p.stop()));
    await fake?.stop();
    await prisma?.$disconnect();
    await pool?.end();
    await db?.drop();
  }, 60_000);

  it('loses nothing acked, one incident per key, every event on both instances, each runbook once', async () => {
    const [webA, webB, worker1] = procs as [AppProcess, AppProcess, AppProcess, AppProcess];
    const baseOf = (p: AppProcess) => `http://127.0.0.1:${p.port}`;

    // A signed-in technician's session (Auth.js JWT: valid on every instance with the same secret).
    const csrf = await fetch(`${baseOf(webA)}/api/auth/csrf`);
    const jar = csrf.headers.getSetCookie().map((c) => c.split(';')[0]);
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const signIn = await fetch(`${baseOf(webA)}/api/auth/callback/credentials`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.join('; ') },
      body: new URLSearchParams({ email, password: PASSWORD, csrfToken, callbackUrl: '/' }),
    });
    const cookie = signIn.headers
      .getSetCookie()
      .find((c) => c.startsWith('authjs.session-token='))
      ?.split(';')[0];
    expect(cookie, `sign-in answered ${signIn.status}`).toBeTruthy();
    const subA = await subscribe(baseOf(webA), cookie!);
    const subB = await subscribe(baseOf(webB), cookie!);
    subs.push(subA, subB);
    await until(
      'both streams ready',
      () => (subA.frames.length && subB.frames.length ? true : undefined),
      15_000,
    );

    // The load: KEYS keys in one company (each its own asset and signature) plus a disk_full on
    // two of the healed company's nodes; PER_KEY alerts per key, interleaved, alternately
    // to each web instance. A request that fails on the network (the killed instance) is sent to
    // the other one, as a load balancer retries; only a 202 counts as acked.
    const todo: Sent[] = [];
    for (let n = 0; n < PER_KEY; n++) {
      for (let k = 0; k < KEYS; k++)
        todo.push({ fp: `k${k}-n${n}`, company: load, asset: `host-${k}`, signature: `check_${k}_failed` });
      for (const node of heal.nodes)
        todo.push({ fp: `${node}-n${n}`, company: heal, asset: node, signature: 'disk_full' });
    }
    const acked: Sent[] = [];
    const rejected: string[] = [];
    const alive = new Set<AppProcess>([webA, webB]);
    let sent = 0;
    let retriedAfterKill = 0;
    let killedAt = -1;
    const killAfter = Math.floor(todo.length / 2);

    async function post(a: Sent, via: AppProcess, attempt: number): Promise<Response> {
      const body = JSON.stringify({
        asset: a.asset,
        signature: a.signature,
        severity: 'high',
        fingerprint: a.fp,
        summary: `${a.signature} on ${a.asset}`,
      });
      return fetch(`${baseOf(via)}/api/v1/alerts`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-api-key': a.company.key,
          // A retry is signed anew (a second later: the same signature would be refused as a replay).
          ...(await signatureHeaders(a.company.secret, body, Math.floor(Date.now() / 1000) + attempt)),
        },
        body,
      });
    }
    async function deliver(a: Sent, i: number) {
      const first = i % 2 === 0 ? webA : webB;
      let attempt = 0;
      for (const via of [first, first === webA ? webB : webA]) {
        if (!alive.has(via) && via !== first) continue;
        const r = await post(a, via, attempt++).catch(() => null);
        if (!r) {
          if (via === first) retriedAfterKill++;
          continue;
        }
        const text = await r.text();
        if (r.status === 202) return void acked.push(a);
        rejected.push(`${a.fp} via ${via.name}: ${r.status} ${text}`);
        return;
      }
      rejected.push(`${a.fp}: no instance answered`);
    }

    const t0 = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < todo.length) {
          const i = next++;
          if (i === killAfter && killedAt < 0) {
            // Mid-load, with requests in flight on every connection: a web instance and a worker die.
            killedAt = Date.now();
            webB.kill9();
            worker1.kill9();
            alive.delete(webB);
          }
          await deliver(todo[i]!, i);
          sent++;
        }
      }),
    );
    const loadSeconds = (Date.now() - t0) / 1000;
    expect(rejected).toEqual([]);
    expect(killedAt).toBeGreaterThan(0);
    await webB.exited;
    await worker1.exited;
    log(
      `${acked.length} alerts acked of ${sent} sent in ${loadSeconds.toFixed(1)} s (${(acked.length / loadSeconds).toFixed(0)} alerts/s over 2 → 1 web instances, concurrency ${CONCURRENCY}); ${retriedAfterKill} retried on the survivor after the kill`,
    );

    // Nothing acked is lost: every acked alert is a row (by the sender's fingerprint in the raw body).
    const stored = await pool.query<{ fp: string; n: number }>(
      `SELECT raw->>'fingerprint' AS fp, count(*)::int AS n FROM "Alert" WHERE "mspId" = $1 GROUP BY 1`,
      [load.mspId],
    );
    const storedFps = new Map(stored.rows.map((r) => [r.fp, r.n]));
    expect(acked.filter((a) => !storedFps.has(a.fp)).map((a) => a.fp)).toEqual([]);

    // The surviving worker decides everything (the killed one's claims roll back with its sessions).
    const tDecide = Date.now();
    await until(
      'every alert decided',
      async () => {
        const r = await pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM "Alert" WHERE "mspId" = $1 AND decision = 'PENDING'`,
          [load.mspId],
        );
        return r.rows[0]!.n === 0 ? true : undefined;
      },
      120_000,
      500,
    );
    log(`all alerts decided ${((Date.now() - tDecide) / 1000).toFixed(1)} s after the last ack`);

    // One incident per key, holding every stored alert of that key.
    const incidents = await pool.query<{
      companyId: string;
      asset: string;
      signature: string;
      n: number;
      alerts: number;
    }>(
      `SELECT i."companyId", i.asset, i.signature, count(*)::int AS n, sum(i."alertCount")::int AS alerts
         FROM "Incident" i WHERE i."mspId" = $1 GROUP BY 1, 2, 3`,
      [load.mspId],
    );
    expect(incidents.rows.length).toBe(KEYS + heal.nodes.length);
    for (const row of incidents.rows) {
      const storedForKey = await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "Alert" WHERE "companyId" = $1 AND asset = $2 AND signature = $3`,
        [row.companyId, row.asset, row.signature],
      );
      expect({ key: `${row.asset}/${row.signature}`, incidents: row.n, alerts: row.alerts }).toEqual({
        key: `${row.asset}/${row.signature}`,
        incidents: 1,
        alerts: storedForKey.rows[0]!.n,
      });
    }

    // Each runbook execution sent exactly one command, and every healed node got one execution.
    let last: { id: string; status: string; commandId: string | null; error: string | null }[] = [];
    const executions = await until(
      'runbook executions sent',
      async () => {
        const rows = await prisma.runbookExecution.findMany({ where: { companyId: heal.id } });
        last = rows;
        return rows.length === heal.nodes.length && rows.every((e) => e.commandId) ? rows : undefined;
      },
      120_000,
      500,
    ).catch((e: unknown) => {
      throw new Error(`${String(e)}: ${JSON.stringify(last.map((x) => [x.status, x.commandId, x.error]))}`);
    });
    const commands = Object.values(fake.region(heal.accountId, REGION).commands);
    for (const e of executions)
      expect(commands.filter((c) => c.Comment === `aw-exec:${e.id}`).map((c) => c.CommandId)).toEqual([
        e.commandId,
      ]);
    expect(commands).toHaveLength(heal.nodes.length);

    // Live events: the killed instance comes back on its port; its subscriber resumes from the last
    // event id it saw (EventSource's reconnect) and must then hold every event of the MSP, as must
    // the subscriber on the instance that never died.
    const webB2 = startWeb('web-b2', webB.port, env, path.dirname(webB.logFile));
    procs.push(webB2);
    await waitHttp(webB2, '/api/health');
    const subB2 = await subscribe(baseOf(webB2), cookie!, { lastEventId: subB.lastEventId() });
    subs.push(subB2);
    const events = await pool.query<{ id: string; type: string }>(
      `SELECT id::text, type FROM "RealtimeEvent" WHERE "mspId" = $1 ORDER BY id`,
      [load.mspId],
    );
    const incidentEvents = events.rows.filter((e) => e.type.startsWith('incident.'));
    expect(incidentEvents.length).toBeGreaterThanOrEqual(KEYS + heal.nodes.length);
    const ids = (frames: { id?: string; event: string }[]) =>
      new Set(frames.filter((f) => f.id && f.event !== 'ready').map((f) => f.id!));
    // A stream starts at its `ready` frame (its id: the last event before it); what came before
    // (the workers' start-up syncs) is not replayed without Last-Event-ID, as for a browser.
    const since = (sub: SseSubscriber) => BigInt(sub.frames.find((f) => f.event === 'ready')?.id ?? '0');
    // A resume that missed more than the replay limit (500 events) gets a `reset` frame instead:
    // the client refetches everything up to its id. So on B an event counts as delivered when it
    // arrived, or when a reset at or after it told the client to refetch.
    const resetUpTo = (frames: { id?: string; event: string }[]) =>
      frames
        .filter((f) => f.event === 'reset' && f.id)
        .reduce((m, f) => (BigInt(f.id!) > m ? BigInt(f.id!) : m), 0n);
    const missing = async () => {
      const a = ids(subA.frames);
      const b = ids([...subB.frames, ...subB2.frames]);
      const bReset = resetUpTo(subB2.frames);
      const after = (from: bigint) => events.rows.filter((e) => BigInt(e.id) > from);
      return {
        onA: after(since(subA))
          .filter((e) => !a.has(e.id))
          .map((e) => `${e.id} ${e.type}`),
        onB: after(since(subB))
          .filter((e) => !b.has(e.id) && BigInt(e.id) > bReset)
          .map((e) => `${e.id} ${e.type}`),
      };
    };
    // Every incident event came after both subscribed (the load started after both were ready).
    expect(incidentEvents.every((e) => BigInt(e.id) > since(subA) && BigInt(e.id) > since(subB))).toBe(true);
    await until(
      'every event on both instances',
      async () => {
        const m = await missing();
        return m.onA.length + m.onB.length === 0 ? true : undefined;
      },
      20_000,
      250,
    ).catch(() => undefined);
    expect(await missing()).toEqual({ onA: [], onB: [] });
    // The instance that never died never resets its subscriber.
    expect(subA.frames.some((f) => f.event === 'reset')).toBe(false);
    const bReset = resetUpTo(subB2.frames);
    log(
      `${events.rows.length} live events (${incidentEvents.length} incident events) delivered to a subscriber on each instance; ${subB.frames.length} on web-b before its kill, ${subB2.frames.length} after resuming on its restart (${bReset ? `replay over the limit: reset up to event ${bReset}, then live` : 'replayed in full'})`,
    );
  }, 600_000);

  it('serves /metrics on web and worker only with the bearer token; the worker reports lag, queues and outcomes', async () => {
    const live = procs.filter((p) => p.child.exitCode === null && p.child.signalCode === null);
    const web = live.find((p) => p.role === 'web')!;
    const worker = live.find((p) => p.role === 'worker')!;
    for (const p of [web, worker]) {
      const none = await scrape(p.port);
      expect([p.name, none.status]).toEqual([p.name, 401]);
      expect(none.text).not.toContain('aw_');
      expect((await scrape(p.port, `${METRICS_TOKEN}0`)).status).toBe(401);
      expect((await fetch(`http://127.0.0.1:${p.port}/api/health`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${p.port}/api/ready`)).status).toBe(200);
    }
    const w = await scrape(worker.port, METRICS_TOKEN);
    expect(w.status).toBe(200);
    // Everything was decided above: nothing pending, no lag.
    expect(w.samples.get('aw_alerts_pending')).toBe(0);
    expect(w.samples.get('aw_alerts_decided_lag_seconds')).toBe(0);
    expect(w.samples.get('aw_database_up')).toBe(1);
    const executions = [...w.samples].filter(([k]) => k.startsWith('aw_runbook_executions{'));
    expect(executions.reduce((n, [, v]) => n + v, 0)).toBe(heal.nodes.length);
    // The workers scheduled the retention sweep (packages/retention), ran it (once per hour slot:
    // two if the start straddled an hour) and queued the next; none failed.
    const sweeps = await pool.query<{ state: string; n: number }>(
      `SELECT state::text, count(*)::int AS n FROM "Job" WHERE name = 'retention.sweep' GROUP BY 1`,
    );
    const sweepCount = Object.fromEntries(sweeps.rows.map((r) => [r.state, r.n]));
    expect(sweepCount.COMPLETED).toBeGreaterThanOrEqual(1);
    expect(sweepCount.COMPLETED).toBeLessThanOrEqual(2);
    expect(sweepCount.QUEUED).toBeGreaterThanOrEqual(1);
    expect(sweepCount.FAILED).toBeUndefined();
    const webSamples = await scrape(web.port, METRICS_TOKEN);
    expect(webSamples.status).toBe(200);
    const acked = [...webSamples.samples]
      .filter(([k]) => k.startsWith('aw_ingest_requests_total{') && k.includes('status="202"'))
      .reduce((n, [, v]) => n + v, 0);
    expect(acked).toBeGreaterThan(0);
  });
});
