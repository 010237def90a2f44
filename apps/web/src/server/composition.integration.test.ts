// The process roles, proven on a real database: a `web` process stores alerts (PENDING) and
// enqueues jobs but decides nothing and runs no job; a `worker` process, started next to it on the
// same database, decides the stored alerts and runs the queued job.
import { createPrismaClient, type PrismaClient } from '@aw/db';
import { createTestDatabase } from '@aw/db/testing';
import { handleIngest } from '@aw/ingest';
import { createTenants, signedRequest, TEST_ENCRYPTION_KEY } from '@aw/ingest/testing';
import { TURN_STAGES, WAKE_APPLICATION_NAME } from '@aw/correlation';
import { appMetrics, histogramDelta, readHistogram } from '@aw/observability';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sessionsNamed, testRoot, until } from '../testing/services';
import type { QueueWorker, Root } from './composition';

const [target] = inject('pgTargets');
const PROBE_JOB = 'test.role-probe';

/** A queue worker that records which process ran its job. */
function probe(ran: string[], who: string): QueueWorker {
  return {
    name: 'probe',
    register: (queue) =>
      void queue.work(PROBE_JOB, async () => {
        ran.push(who);
      }),
  };
}

describe('process roles', () => {
  let db: { url: string; drop(): Promise<void> };
  let prisma: PrismaClient;
  let web: Root | undefined;
  let worker: Root | undefined;
  let tenants: Awaited<ReturnType<typeof createTenants>>;
  const ran: string[] = [];
  const fast = { correlation: { sweepIntervalMs: 200, tickIntervalMs: 0 }, queue: { pollMs: 100 } };

  beforeAll(async () => {
    db = await createTestDatabase(target!);
    prisma = createPrismaClient(db.url, { max: 4 });
    tenants = await createTenants(prisma);
  });

  afterAll(async () => {
    await web?.stop();
    await worker?.stop();
    await prisma.$disconnect();
    await db.drop();
  });

  it('a web process stores alerts and enqueues jobs, but decides and runs nothing', async () => {
    web = testRoot(db.url, {
      prisma,
      role: 'web',
      env: { APP_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY },
      ...fast,
    });
    web.queueWorkers.push(probe(ran, 'web'));
    web.start();

    const t = tenants.a;
    const res = await handleIngest(
      await signedRequest(
        'http://x/api/v1/alerts',
        { asset: 'web-01', signature: 'disk_full', severity: 'high', occurredAt: new Date().toISOString() },
        { key: t.key, secret: t.secret },
      ),
      web.ingest,
      'native',
    );
    expect(res.status).toBe(202);
    await web.queue.enqueue(PROBE_JOB, {});

    // Several sweep and poll intervals of a worker pass: nothing is decided or run here.
    await new Promise((r) => setTimeout(r, 1500));
    const alerts = await prisma.alert.findMany({ where: { companyId: t.id } });
    expect(alerts.map((a) => a.decision)).toEqual(['PENDING']);
    expect(await prisma.incident.count({ where: { companyId: t.id } })).toBe(0);
    expect(ran).toEqual([]);
    expect(web.correlation).toBeNull();
  });

  it('a worker process serves no webhooks, and decides the stored alerts and runs the queued job', async () => {
    worker = testRoot(db.url, { prisma, role: 'worker', ...fast });
    worker.queueWorkers.push(probe(ran, 'worker'));
    expect(() => worker!.ingest).toThrowError(/not served by a worker process/);
    const turnsBefore = readHistogram(await appMetrics().render(), 'aw_correlation_turn_alerts');
    worker.start();

    const companyId = tenants.a.id;
    await until(async () => (await prisma.alert.count({ where: { companyId, decision: 'PENDING' } })) === 0);
    const incidents = await prisma.incident.findMany({ where: { companyId } });
    expect(incidents).toHaveLength(1);
    expect(incidents[0]!.asset).toBe('web-01');
    await until(async () => ran.length > 0);
    expect(ran).toEqual(['worker']);
    expect(worker.correlation!.decided).toBe(1);
    // The turn is on the process's /metrics: one turn, one alert, and how long it took.
    const text = await appMetrics().render();
    const turns = histogramDelta(turnsBefore, readHistogram(text, 'aw_correlation_turn_alerts')!);
    expect([turns.count, turns.sum]).toEqual([1, 1]);
    expect(readHistogram(text, 'aw_correlation_turn_seconds')!.sum).toBeGreaterThan(0);
    // And where its time went, stage by stage.
    for (const stage of TURN_STAGES)
      expect(readHistogram(text, 'aw_correlation_turn_stage_seconds', { stage })?.count).toBeGreaterThan(0);
  });
});

// Separate web and worker processes (the chart's deployments, `npm start` with START_WORKERS): the
// web process wakes the workers with a NOTIFY per committed batch. The worker's sweep is set to a
// minute here, so only the wake-up can decide an alert within the test's 10 s.
describe('waking a worker process', () => {
  let db: { url: string; drop(): Promise<void> };
  let prisma: PrismaClient;
  let web: Root | undefined;
  let worker: Root | undefined;
  let tenants: Awaited<ReturnType<typeof createTenants>>;
  const slowSweep = { correlation: { sweepIntervalMs: 60_000, tickIntervalMs: 0 }, queue: { pollMs: 100 } };

  const wakeSessions = () => sessionsNamed(prisma, WAKE_APPLICATION_NAME);
  const post = async (asset: string) => {
    const t = tenants.a;
    const res = await handleIngest(
      await signedRequest(
        'http://x/api/v1/alerts',
        { asset, signature: 'disk_full', severity: 'high', occurredAt: new Date().toISOString() },
        { key: t.key, secret: t.secret },
      ),
      web!.ingest,
      'native',
    );
    expect(res.status).toBe(202);
  };
  const pending = () => prisma.alert.count({ where: { companyId: tenants.a.id, decision: 'PENDING' } });

  beforeAll(async () => {
    db = await createTestDatabase(target!);
    prisma = createPrismaClient(db.url, { max: 4 });
    tenants = await createTenants(prisma);
    worker = testRoot(db.url, { prisma, role: 'worker', ...slowSweep }).start();
    web = testRoot(db.url, {
      prisma,
      role: 'web',
      env: { APP_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY },
      ...slowSweep,
    }).start();
    await until(async () => (await wakeSessions()) === 1);
    // The worker's first sweep (at start) has run: from now on only a wake-up decides.
    await new Promise((r) => setTimeout(r, 300));
  });

  afterAll(async () => {
    await web?.stop();
    await worker?.stop();
    await prisma.$disconnect();
    await db.drop();
  });

  it('decides an alert stored by the web process long before the next sweep', async () => {
    await post('web-02');
    await until(async () => (await pending()) === 0, 10_000);
    expect(await prisma.incident.count({ where: { companyId: tenants.a.id, asset: 'web-02' } })).toBe(1);
  });

  it('listens again after its session is killed, and decides what was announced meanwhile', async () => {
    await prisma.$queryRawUnsafe(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`,
      WAKE_APPLICATION_NAME,
    );
    await post('web-03'); // announced while no worker listens (or just before it notices)
    await until(async () => (await wakeSessions()) === 1, 10_000);
    await until(async () => (await pending()) === 0, 10_000);
    await post('web-04'); // announced to the new session
    await until(async () => (await pending()) === 0, 10_000);
    const assets = (await prisma.incident.findMany({ where: { companyId: tenants.a.id } })).map(
      (i) => i.asset,
    );
    expect(assets).toEqual(expect.arrayContaining(['web-02', 'web-03', 'web-04']));
  });
});
