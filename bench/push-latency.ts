// Push latency of live updates, on loopback, with the default transport (SSE over PostgreSQL
// LISTEN/NOTIFY) and two app instances:
//
//   webhook:  POST /api/v1/alerts on instance A (the @aw/ingest handler) → 2xx; its alert sink
//             publishes `alert.received` on A → NOTIFY → instance B's LISTEN → B's SSE subscriber.
//             Measured: the sender's 2xx → the subscriber's receipt (and send → receipt).
//   publish:  publish() on instance A → SSE receipt on instance B.
//
//   npx tsx bench/push-latency.ts [--requests 300] [--publishes 300]
//
// Uses DATABASE_URL when set (in a throwaway MSP it deletes afterwards), else a throwaway
// embedded PostgreSQL 17. Bounded: a fixed number of sequential requests, 120 s at most.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createPrismaClient } from '@aw/db';
import { createTestDatabase, startTargets, type PgTarget } from '@aw/db/testing';
import { createApiKey, createIngestRuntime, silentLogger } from '@aw/ingest';
import { serveIngest } from '@aw/ingest/server';
import { PgRealtimeHub } from '@aw/realtime';
import { connectSse, startSseInstance } from '@aw/realtime/testing';
import pg from 'pg';
import { pct } from './lib/load.ts';

const { values: args } = parseArgs({
  options: {
    requests: { type: 'string', default: '300' },
    publishes: { type: 'string', default: '300' },
    warmup: { type: 'string', default: '30' },
  },
});
const REQUESTS = Math.min(5000, Number(args.requests));
const PUBLISHES = Math.min(5000, Number(args.publishes));
const WARMUP = Math.min(500, Number(args.warmup));
const DEADLINE = Date.now() + 120_000;

const watchdog = setTimeout(() => {
  console.error('push-latency: gave up after 120 s');
  process.exit(2);
}, 125_000);
watchdog.unref();

const ms = (x: number) => `${x.toFixed(2)} ms`;
function summary(name: string, xs: number[]) {
  return {
    measure: name,
    n: xs.length,
    p50: ms(pct(xs, 50)),
    p90: ms(pct(xs, 90)),
    p99: ms(pct(xs, 99)),
    max: ms(Math.max(...xs)),
  };
}

async function main() {
  let stopTargets: (() => Promise<void>) | null = null;
  let target: PgTarget;
  if (process.env.DATABASE_URL) {
    target = { name: 'DATABASE_URL', templateUrl: process.env.DATABASE_URL };
  } else {
    const started = await startTargets();
    target = started[0]!;
    stopTargets = async () => {
      for (const t of started) await t.stop();
    };
  }
  // On DATABASE_URL the bench works in its own throwaway MSP and deletes it afterwards.
  const db = process.env.DATABASE_URL
    ? { url: process.env.DATABASE_URL, drop: async () => undefined }
    : await createTestDatabase(target);

  const prisma = createPrismaClient(db.url, { max: 2 });
  const msp = await prisma.msp.create({
    data: { name: 'Bench MSP', slug: `bench-${randomUUID().slice(0, 8)}` },
  });
  const company = await prisma.company.create({
    data: { mspId: msp.id, name: 'Bench Co', slug: 'bench-co', awsExternalId: `bench-${randomUUID()}` },
  });
  const { key } = await createApiKey({
    prisma,
    companyId: company.id,
    actorId: null,
    input: { name: 'bench sender', allowUnsigned: true },
  });

  // Instance A: ingestion + a publisher (its own pool and LISTEN connection, as an app instance has).
  const poolA = new pg.Pool({ connectionString: db.url, max: 8 });
  const hubA = new PgRealtimeHub({ pool: poolA, connectionString: db.url, pruneEveryMs: 0 });
  const ingest = createIngestRuntime({
    pool: poolA,
    logger: silentLogger,
    rateLimitPerMinute: 1_000_000,
    sink: {
      alertsStored: async (batch) => {
        for (const b of batch)
          await hubA.publish({
            type: 'alert.received',
            mspId: msp.id,
            companyId: b.companyId,
            payload: { received: b.alertIds.length },
          });
      },
    },
  });
  const server = await serveIngest(ingest);

  // Instance B: the SSE endpoint a dashboard is connected to.
  const b = await startSseInstance({ databaseUrl: db.url, sessions: { tech: { mspId: msp.id } } });
  const sub = connectSse(b.url, { authorization: 'Bearer tech' });
  await sub.waitFor((f) => f.some((x) => x.event === 'ready'));

  const countOf = (type: string) => sub.frames.filter((f) => f.event === type).length;

  // 1. webhook 2xx → event received
  const after2xx: number[] = [];
  const afterSend: number[] = [];
  let nonOk = 0;
  for (let i = 0; i < WARMUP + REQUESTS && Date.now() < DEADLINE; i++) {
    const before = countOf('alert.received');
    const body = JSON.stringify({
      asset: `bench-${i}`,
      signature: 'cpu_high',
      severity: 'high',
      summary: 'bench',
      labels: { run: String(i) },
    });
    const t0 = performance.now();
    const res = await fetch(`${server.url}/api/v1/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body,
    });
    await res.arrayBuffer();
    const t2xx = performance.now();
    if (res.status < 200 || res.status >= 300) {
      nonOk++;
      if (nonOk > 5) throw new Error(`ingest answered ${res.status}`);
      continue;
    }
    await sub.waitFor(() => countOf('alert.received') > before, 10_000);
    const frame = sub.frames.filter((f) => f.event === 'alert.received')[before]!;
    if (i >= WARMUP) {
      after2xx.push(frame.receivedAt - t2xx);
      afterSend.push(frame.receivedAt - t0);
    }
  }

  // 2. publish → event received on the other instance
  const publishLatency: number[] = [];
  for (let i = 0; i < WARMUP + PUBLISHES && Date.now() < DEADLINE; i++) {
    const before = countOf('incident.updated');
    const t0 = performance.now();
    await hubA.publish({
      type: 'incident.updated',
      mspId: msp.id,
      companyId: company.id,
      payload: { incidentId: randomUUID(), alertCount: i },
    });
    await sub.waitFor(() => countOf('incident.updated') > before, 10_000);
    const frame = sub.frames.filter((f) => f.event === 'incident.updated')[before]!;
    if (i >= WARMUP) publishLatency.push(frame.receivedAt - t0);
  }

  const rows = [
    summary('webhook 2xx → SSE event (other instance)', after2xx),
    summary('webhook sent → SSE event (other instance)', afterSend),
    summary('publish() → SSE event (other instance)', publishLatency),
  ];
  console.log(`\npush latency on loopback, PostgreSQL: ${target.name}, SSE transport, 2 instances`);
  console.table(rows);
  const early = after2xx.filter((x) => x < 0).length;
  if (early > 0)
    console.log(
      `${early} of ${after2xx.length} events arrived before the sender had read its 2xx (negative values).`,
    );
  console.log(JSON.stringify({ bench: 'push-latency', db: target.name, results: rows }));

  sub.close();
  await server.close();
  await ingest.close();
  await b.close();
  await hubA.close();
  await poolA.end();
  await prisma.msp.delete({ where: { id: msp.id } });
  await prisma.realtimeEvent.deleteMany({ where: { mspId: msp.id } });
  await prisma.$disconnect();
  await db.drop();
  await stopTargets?.();
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
