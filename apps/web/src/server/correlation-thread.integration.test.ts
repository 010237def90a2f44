// Correlation in a worker thread (CORRELATION_THREAD): alerts stored by this
// process's intake are decided by the thread, the process's incident listeners and /metrics still
// see every turn, the thread publishes the live push itself, a thread that dies is started again
// and decides what was stored meanwhile, and stop() lets it finish.
import { createPrismaClient, type PrismaClient } from '@aw/db';
import { createTestDatabase } from '@aw/db/testing';
import { handleIngest } from '@aw/ingest';
import { createTenants, signedRequest, TEST_ENCRYPTION_KEY } from '@aw/ingest/testing';
import { appMetrics, histogramDelta, readHistogram } from '@aw/observability';
import { isMainThread } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sessionsNamed, testRoot, until } from '../testing/services';
import type { IncidentChangeSource, Root } from './composition';
import { CorrelationThread, THREAD_APPLICATION_NAME } from './correlation-thread';

const [target] = inject('pgTargets');

describe('correlation in a worker thread', () => {
  let db: { url: string; drop(): Promise<void> };
  let prisma: PrismaClient;
  let root: Root;
  let tenants: Awaited<ReturnType<typeof createTenants>>;
  const seen: { incidentId: string; type: string; source: IncidentChangeSource; main: boolean }[] = [];

  beforeAll(async () => {
    db = await createTestDatabase(target!);
    prisma = createPrismaClient(db.url, { max: 4 });
    tenants = await createTenants(prisma);
    root = testRoot(db.url, {
      prisma,
      role: 'all',
      env: { APP_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY, CORRELATION_THREAD: '1' },
      // The sweep is a minute: within the test only the hand-over (or a new thread's first sweep)
      // decides an alert.
      correlation: { sweepIntervalMs: 60_000, tickIntervalMs: 0 },
      queue: { pollMs: 100 },
    });
    root.incidentListeners.push((e, source) => {
      seen.push({ incidentId: e.incidentId, type: e.type, source, main: isMainThread });
    });
    root.start();
    await until(() => (root.correlation as CorrelationThread).running);
  });

  afterAll(async () => {
    await root?.stop();
    await prisma.$disconnect();
    await db.drop();
  });

  const post = async (asset: string) => {
    const t = tenants.a;
    const res = await handleIngest(
      await signedRequest(
        'http://x/api/v1/alerts',
        { asset, signature: 'disk_full', severity: 'high', occurredAt: new Date().toISOString() },
        { key: t.key, secret: t.secret },
      ),
      root.ingest,
      'native',
    );
    expect(res.status).toBe(202);
  };
  const pending = () => prisma.alert.count({ where: { companyId: tenants.a.id, decision: 'PENDING' } });
  const threadSessions = () => sessionsNamed(prisma, THREAD_APPLICATION_NAME);
  const restarts = async () =>
    Number(/^aw_correlation_thread_restarts_total (\d+)/m.exec(await appMetrics().render())?.[1] ?? 'NaN');

  it('decides what the intake stored, in the thread, and reports it to this process', async () => {
    expect(root.correlation).toBeInstanceOf(CorrelationThread);
    const turnsBefore = readHistogram(await appMetrics().render(), 'aw_correlation_turn_alerts');
    const linkBefore = readHistogram(await appMetrics().render(), 'aw_correlation_turn_stage_seconds', {
      stage: 'link',
    });
    await post('th-01');
    await until(async () => (await pending()) === 0, 10_000);
    const incident = await prisma.incident.findFirstOrThrow({
      where: { companyId: tenants.a.id, asset: 'th-01' },
    });
    // The incident listeners of this process (runbooks, notifications, features) got the event.
    await until(() => seen.some((s) => s.incidentId === incident.id));
    expect(seen.find((s) => s.incidentId === incident.id)).toMatchObject({
      type: 'incident.created',
      source: 'correlation',
      main: true,
    });
    // The thread published the live push itself.
    await until(
      async () =>
        (await prisma.realtimeEvent.count({
          where: {
            type: 'incident.created',
            companyId: tenants.a.id,
            payload: { path: ['incidentId'], equals: incident.id },
          },
        })) === 1,
    );
    // Its turn is on this process's /metrics, and the thread counts what it decided.
    const turns = histogramDelta(
      turnsBefore,
      readHistogram(await appMetrics().render(), 'aw_correlation_turn_alerts')!,
    );
    expect([turns.count, turns.sum]).toEqual([1, 1]);
    // With its stages, which crossed from the thread with the turn.
    const link = histogramDelta(
      linkBefore,
      readHistogram(await appMetrics().render(), 'aw_correlation_turn_stage_seconds', { stage: 'link' })!,
    );
    expect(link.count).toBe(1);
    expect(link.sum).toBeGreaterThan(0);
    expect(root.correlation!.decided).toBe(1);
    expect(await root.correlation!.drainCompany(tenants.a.id)).toBe(0);
    // The turns ran on the thread's own connections.
    expect(await threadSessions()).toBeGreaterThan(0);
  });

  it('starts a dead thread again, which decides what was stored while it was down', async () => {
    const thread = root.correlation as CorrelationThread;
    const starts = thread.starts;
    const restartsBefore = await restarts();
    await thread.kill();
    expect(thread.running).toBe(false);
    await post('th-02'); // handed to no thread: the next one's first sweep finds it
    expect(await pending()).toBe(1);
    await until(() => thread.running && thread.starts === starts + 1, 10_000);
    expect(await restarts()).toBe(restartsBefore + 1);
    await until(async () => (await pending()) === 0, 10_000);
    await post('th-03'); // and the hand-over reaches the new thread
    await until(async () => (await pending()) === 0, 10_000);
    const assets = (await prisma.incident.findMany({ where: { companyId: tenants.a.id } })).map(
      (i) => i.asset,
    );
    expect(assets.sort()).toEqual(['th-01', 'th-02', 'th-03']);
  });

  it('stop() lets the thread finish and end', async () => {
    const thread = root.correlation as CorrelationThread;
    await post('th-04');
    await root.correlation!.stop();
    expect(thread.running).toBe(false);
    await expect(thread.sweep()).rejects.toThrow(/not running/);
    // Its pool is closed: no session of the thread is left.
    await until(async () => (await threadSessions()) === 0, 5_000);
    // Stored and either decided before the stop or left PENDING for the next start: never lost.
    expect(await prisma.alert.count({ where: { companyId: tenants.a.id } })).toBe(4);
  });
});
