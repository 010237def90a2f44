// The demo stream: sends the scenario through the real signed webhook path (POST /api/v1/alerts,
// X-API-Key + X-Timestamp + X-Signature), lets the real engine correlate what ingestion stored,
// then reads the KPIs back from the stored rows. Nothing here writes alerts or incidents directly.
import { createHmac } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { loadViewer } from '@aw/accounts';
import { createPool, createPrismaClient, type PrismaClient } from '@aw/db';
import { createApiKey, revealWebhookSecret, rotateWebhookSecret } from '@aw/ingest';
import { createIngestRuntime, handleIngest, type IngestRuntime } from '@aw/ingest/handler';
import type pg from 'pg';
import {
  actOnIncidents,
  CorrelationWorker,
  kpiReport,
  noiseReduction,
  poolRunner,
  type KpiReport,
} from '@aw/correlation';
import { DEMO_MAINTENANCE_ASSETS, demoScenario, type DemoAlert } from './scenario.ts';
import { DEMO_COMPANIES, DEMO_MSP_SLUG } from './seed.ts';
import { trickleTick, type TrickleState } from './trickle.ts';

export interface DemoStreamOptions {
  databaseUrl: string;
  /** APP_ENCRYPTION_KEY: the webhook secrets are stored encrypted with it. */
  encryptionKey: string;
  /** The app (http://localhost:3000). Unset, or when it has no /api/v1/alerts yet: an in-process ingest server. */
  baseUrl?: string;
  seed?: number;
  /** Alerts per signed request (native batch). */
  batchSize?: number;
  /** Resolve a few open incidents as the demo technician, for the manual side of MTTR. */
  manualResolutions?: number;
  /** Run a CorrelationWorker here (default true); false when another process correlates. */
  correlateHere?: boolean;
  log?: (line: string) => void;
}

export interface DemoStreamResult {
  sent: number;
  requests: number;
  endpoint: string;
  report: KpiReport;
  perCompany: { company: string; alerts: number; incidents: number; noiseReductionPct: number | null }[];
}

/** The ingest package's web-standard handler on a loopback node:http server (no app running). */
async function serveLocally(rt: IngestRuntime): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
      headers.delete('content-length');
      const r = await handleIngest(
        new Request(`http://127.0.0.1${req.url ?? '/'}`, {
          method: req.method,
          headers,
          body: Buffer.concat(chunks),
        }),
        rt,
      );
      res.writeHead(r.status, Object.fromEntries(r.headers)).end(Buffer.from(await r.arrayBuffer()));
    })().catch(() => res.writeHead(503).end());
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((ok) => server.close(ok));
      await rt.close();
    },
  };
}

function sign(secret: string, body: string) {
  const ts = Math.floor(Date.now() / 1000).toString();
  return { ts, sig: `sha256=${createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex')}` };
}

async function ensureRules(prisma: PrismaClient, mspId: string, companyId: string, now: Date) {
  const name = 'host_down mutes the services of its host';
  if (!(await prisma.inhibitionRule.findFirst({ where: { companyId, name } })))
    await prisma.inhibitionRule.create({
      data: {
        mspId,
        companyId,
        name,
        sourceMatchers: [{ field: 'signature', op: '=', value: 'host_down' }],
        targetMatchers: [{ field: 'signature', op: '!=', value: 'host_down' }],
        equal: ['asset'],
      },
    });
  // A fresh window around the stream: database patching, 4 h ago until 2 h from now.
  await prisma.maintenanceWindow.create({
    data: {
      mspId,
      companyId,
      name: 'Database patching (demo)',
      matchers: [{ field: 'asset', op: '=~', value: DEMO_MAINTENANCE_ASSETS }],
      startsAt: new Date(now.getTime() - 4 * 3600_000),
      endsAt: new Date(now.getTime() + 2 * 3600_000),
    },
  });
}

/** The company's current signing secret, created when it has none yet. */
async function signingSecret(
  prisma: PrismaClient,
  companyId: string,
  encryptionKey: string,
): Promise<string> {
  const existing = await revealWebhookSecret({ prisma, companyId, encryptionKey });
  return (
    existing?.secret ??
    (await rotateWebhookSecret({ prisma, companyId, actorId: null, encryptionKey, input: undefined })).secret
  );
}

async function credentials(prisma: PrismaClient, companyId: string, encryptionKey: string) {
  const key = await createApiKey({ prisma, companyId, actorId: null, input: { name: 'Demo stream' } });
  return { apiKey: key.key, secret: await signingSecret(prisma, companyId, encryptionKey) };
}

async function post(url: string, apiKey: string, secret: string, alerts: DemoAlert[]): Promise<Response> {
  const body = JSON.stringify({
    alerts: alerts.map((a) => ({
      asset: a.asset,
      signature: a.signature,
      severity: a.severity,
      status: a.status,
      occurredAt: a.occurredAt.toISOString(),
      summary: a.summary,
      labels: a.labels,
      ...(a.service ? { service: a.service } : {}),
    })),
  });
  const { ts, sig } = sign(secret, body);
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-api-key': apiKey,
      'x-timestamp': ts,
      'x-signature': sig,
    },
    body,
  });
}

async function waitForDecisions(pool: pg.Pool, mspId: string, timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = await pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM "Alert" WHERE "mspId" = $1 AND decision = 'PENDING'`,
      [mspId],
    );
    if (Number(r.rows[0]!.n) === 0) return;
    if (Date.now() > until) throw new Error(`${r.rows[0]!.n} alerts still PENDING after ${timeoutMs} ms`);
    await new Promise((res) => setTimeout(res, 250));
  }
}

export async function runDemoStream(o: DemoStreamOptions): Promise<DemoStreamResult> {
  const log = o.log ?? ((l: string) => console.log(l));
  const prisma = createPrismaClient(o.databaseUrl, { max: 3 });
  const pool = createPool(o.databaseUrl, { max: 4 });
  pool.on('error', (e) => log(`  demo pool: ${e.message}`));
  const worker =
    o.correlateHere === false
      ? null
      : new CorrelationWorker({ pool, sweepIntervalMs: 500, tickIntervalMs: 0 });
  let local: { url: string; close(): Promise<void> } | null = null;
  try {
    const msp = await prisma.msp.findUnique({ where: { slug: DEMO_MSP_SLUG } });
    if (!msp) throw new Error('the demo MSP is not seeded (npm run db:seed)');
    const companies = await prisma.company.findMany({
      where: { mspId: msp.id, slug: { in: DEMO_COMPANIES.map((c) => c.slug) } },
      orderBy: { slug: 'asc' },
    });
    const started = new Date(Date.now() - 1000);
    const run = await prisma.apiKey.count({ where: { companyId: companies[0]!.id, name: 'Demo stream' } });
    const creds = new Map<string, { id: string; apiKey: string; secret: string }>();
    for (const c of companies) {
      await ensureRules(prisma, msp.id, c.id, started);
      creds.set(c.slug, { id: c.id, ...(await credentials(prisma, c.id, o.encryptionKey)) });
    }
    worker?.start();

    let endpoint = o.baseUrl ? `${o.baseUrl.replace(/\/$/, '')}/api/v1/alerts` : '';
    const alerts = demoScenario({
      companies: companies.map((c) => c.slug),
      end: new Date(),
      seed: o.seed,
      run,
    });
    const first = alerts.find((a) => a.company === companies[0]!.slug)!;
    const c0 = creds.get(first.company)!;
    if (endpoint) {
      // Probe with the first alert: an app without the ingestion route answers 404.
      const r = await post(endpoint, c0.apiKey, c0.secret, [first]).catch(() => null);
      if (!r || r.status === 404) endpoint = '';
      else if (!r.ok) throw new Error(`POST ${endpoint}: ${r.status} ${await r.text()}`);
    }
    if (!endpoint) {
      const rt = createIngestRuntime({ pool, encryptionKey: o.encryptionKey, sink: worker ?? undefined });
      local = await serveLocally(rt);
      endpoint = `${local.url}/api/v1/alerts`;
      log(`  (the app has no /api/v1/alerts yet: using the ingest package's own server at ${local.url})`);
      const r = await post(endpoint, c0.apiKey, c0.secret, [first]);
      if (!r.ok) throw new Error(`POST ${endpoint}: ${r.status} ${await r.text()}`);
    }
    let requests = 1;
    const rest = alerts.filter((a) => a !== first);
    const size = o.batchSize ?? 20;
    // Per company in time order, `size` alerts per signed request, companies taking turns.
    const queues = companies.map((c) => rest.filter((a) => a.company === c.slug));
    while (queues.some((q) => q.length)) {
      for (const q of queues) {
        const chunk = q.splice(0, size);
        if (!chunk.length) continue;
        const c = creds.get(chunk[0]!.company)!;
        const r = await post(endpoint, c.apiKey, c.secret, chunk);
        requests++;
        if (!r.ok) throw new Error(`POST ${endpoint}: ${r.status} ${await r.text()}`);
      }
    }
    log(`  sent ${alerts.length} alerts in ${requests} signed requests to ${endpoint}`);
    await waitForDecisions(pool, msp.id, 120_000);

    const manual = o.manualResolutions ?? 10;
    const tech = await prisma.user.findUnique({ where: { email: 'tech@demo-msp.test' } });
    const viewer = tech ? await loadViewer(prisma, tech.id) : null;
    if (viewer && manual > 0) {
      const open = await prisma.incident.findMany({
        where: { mspId: msp.id, status: 'OPEN', createdAt: { gte: started } },
        orderBy: [{ firstSeenAt: 'asc' }, { id: 'asc' }],
        take: manual,
        select: { id: true },
      });
      await actOnIncidents(
        { prisma, viewer },
        {
          ids: open.map((x) => x.id),
          action: { kind: 'resolve', note: 'Fixed by the on-call technician (demo)' },
        },
      );
    }
    await worker?.tick();

    // Noise: alerts received and incidents opened during this run. MTTR and self-healing: incidents
    // resolved since the stream's first event (automatic resolutions carry the event time).
    const period = { from: started, to: new Date(Date.now() + 1000) };
    const report = await kpiReport(
      poolRunner(pool),
      { mspId: msp.id },
      { ...period, from: alerts[0]!.occurredAt },
    );
    report.noise = await noiseReduction(poolRunner(pool), { mspId: msp.id }, period);
    const perCompany = [];
    for (const c of companies) {
      const r = { noise: await noiseReduction(poolRunner(pool), { mspId: msp.id, companyId: c.id }, period) };
      perCompany.push({
        company: c.name,
        alerts: r.noise.decided,
        incidents: r.noise.incidents,
        noiseReductionPct: r.noise.noiseReductionPct,
      });
    }
    const n = report.noise;
    log(
      `  ${n.decided} alerts → ${n.incidents} incidents: noise reduction ${n.noiseReductionPct}% ` +
        `(deduplicated ${n.deduplicated}, suppressed ${n.suppressed}, inhibited ${n.inhibited}, ` +
        `resolved signals ${n.resolvedSignals}, correlated ${n.correlated})`,
    );
    for (const p of perCompany)
      log(
        `    ${p.company.padEnd(22)} ${p.alerts} alerts → ${p.incidents} incidents (${p.noiseReductionPct}%)`,
      );
    return { sent: alerts.length, requests, endpoint, report, perCompany };
  } finally {
    await worker?.stop();
    await local?.close();
    await pool.end();
    await prisma.$disconnect();
  }
}

/**
 * For the launcher: on a demo database, one run of the demo stream against the app (once per data
 * folder; `npm run demo:stream` sends more). The app process correlates (its CorrelationWorker,
 * wired to realtime in apps/web/src/server/composition.ts), so this only sends and reads back.
 */
export async function startLauncherDemo(o: {
  databaseUrl: string;
  encryptionKey: string;
  baseUrl: string;
  dataDir: string;
  demo: boolean;
  log?: (line: string) => void;
}): Promise<() => Promise<void>> {
  const log = o.log ?? ((l: string) => console.log(l));
  const marker = path.join(o.dataDir, 'demo-stream.json');
  if (o.demo && !existsSync(marker)) {
    log('▸ Demo stream: sending a realistic alert mix through POST /api/v1/alerts …');
    try {
      const r = await runDemoStream({ ...o, correlateHere: false, log });
      writeFileSync(marker, JSON.stringify({ at: new Date().toISOString(), noise: r.report.noise }, null, 2));
    } catch (e) {
      log(`  demo stream failed: ${(e as Error).message}`);
    }
  } else if (o.demo) {
    const prev = JSON.parse(readFileSync(marker, 'utf8')) as { noise?: { noiseReductionPct?: number } };
    log(
      `  Demo stream already sent (noise reduction then: ${prev.noise?.noiseReductionPct}%); npm run demo:stream sends more.`,
    );
  }
  return async () => {};
}

/**
 * After the initial stream: a few alerts every `intervalMs` through the signed webhook path, so
 * the demo dashboard keeps moving (see trickle.ts). Its API keys are kept in the data folder
 * (mode 0600) so restarts reuse them. Returns a stop function.
 */
export async function startDemoTrickle(o: {
  databaseUrl: string;
  encryptionKey: string;
  baseUrl: string;
  dataDir: string;
  intervalMs: number;
  log?: (line: string) => void;
}): Promise<() => Promise<void>> {
  const log = o.log ?? ((l: string) => console.log(l));
  const prisma = createPrismaClient(o.databaseUrl, { max: 2 });
  const file = path.join(o.dataDir, 'demo-live-keys.json');
  const msp = await prisma.msp.findUnique({ where: { slug: DEMO_MSP_SLUG } });
  if (!msp) {
    await prisma.$disconnect();
    return async () => {};
  }
  const companies = await prisma.company.findMany({
    where: { mspId: msp.id, slug: { in: DEMO_COMPANIES.map((c) => c.slug) } },
    orderBy: { slug: 'asc' },
  });
  const stored: Record<string, string> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const creds = new Map<string, { apiKey: string; secret: string }>();
  for (const c of companies) {
    let apiKey = stored[c.id];
    const live = apiKey
      ? await prisma.apiKey.findFirst({ where: { companyId: c.id, name: 'Demo live', revokedAt: null } })
      : null;
    if (!apiKey || !live) {
      apiKey = (await createApiKey({ prisma, companyId: c.id, actorId: null, input: { name: 'Demo live' } }))
        .key;
      stored[c.id] = apiKey;
    }
    const secret = await signingSecret(prisma, c.id, o.encryptionKey);
    creds.set(c.slug, { apiKey, secret });
  }
  writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  await prisma.$disconnect();

  const endpoint = `${o.baseUrl.replace(/\/$/, '')}/api/v1/alerts`;
  const state: TrickleState = { tick: 0, open: [] };
  const slugs = companies.map((c) => c.slug);
  let failures = 0;
  const timer = setInterval(() => {
    const alerts = trickleTick(slugs, state, new Date(), Date.now() % 1000);
    const byCompany = new Map<string, DemoAlert[]>();
    for (const a of alerts) byCompany.set(a.company, [...(byCompany.get(a.company) ?? []), a]);
    for (const [slug, list] of byCompany) {
      const c = creds.get(slug)!;
      void post(endpoint, c.apiKey, c.secret, list)
        .then((r) => {
          if (!r.ok && failures++ === 0) log(`  demo live alerts: ${r.status} from ${endpoint}`);
        })
        .catch((e: Error) => {
          if (failures++ === 0) log(`  demo live alerts: ${e.message}`);
        });
    }
  }, o.intervalMs);
  timer.unref();
  log(
    `▸ Demo live alerts: a few every ${Math.round(o.intervalMs / 1000)} s (DEMO_LIVE_SECONDS=0 turns them off).`,
  );
  return async () => clearInterval(timer);
}
