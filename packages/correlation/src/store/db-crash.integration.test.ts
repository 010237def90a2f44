// Crash safety of the database (issue 17): 32 concurrent senders post alerts to an app process (the
// real ingestion handler with a CorrelationWorker, as in crash.integration.test.ts) whose PostgreSQL
// is a cluster of this test's own; mid-stream the postmaster and every one of its processes are
// killed with SIGKILL, and the server is started again on the same data (WAL crash recovery). The app
// process is NOT restarted: its pools must find the server again by themselves. Every alert that got
// a 2xx must be stored exactly once and decided; the incidents must be a serial replay's.
import { createPrismaClient, type PrismaClient } from '@aw/db';
import { startCrashablePostgres, type CrashablePostgres } from '@aw/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  crashTenant,
  expectStoredOnceAndDecided,
  sleep,
  startApp,
  startSenders,
  type AppProcess,
} from '../testing/crash-harness.ts';

const SENDERS = 32;

describe('crash safety of the database', () => {
  let pgServer: CrashablePostgres;
  let prisma: PrismaClient;
  let app: AppProcess | null = null;
  let tenant: { companyId: string; key: string };

  beforeAll(async () => {
    pgServer = await startCrashablePostgres();
    prisma = createPrismaClient(pgServer.url, { max: 2 });
    tenant = await crashTenant(prisma, 'dbcrash');
  }, 120_000);

  afterAll(async () => {
    if (app?.child.exitCode === null) app.child.kill('SIGKILL');
    await prisma?.$disconnect();
    await pgServer?.destroy();
  });

  it('loses no acknowledged alert and stores none twice when PostgreSQL is killed -9 under load', async () => {
    app = await startApp(pgServer.url);
    const senders = startSenders(SENDERS, () => app!.url, tenant.key);
    await sleep(2_000);
    const before = senders.acked.size;
    const { killed } = await pgServer.kill9();
    await sleep(1_000);
    const duringOutage = senders.acked.size;
    await pgServer.start();
    const restartedAt = Date.now();
    // The app recovers by itself: wait for its first acknowledgement after the restart, then 2 s more.
    while (senders.acked.size === duringOutage && Date.now() - restartedAt < 30_000) await sleep(50);
    const recoveredMs = Date.now() - restartedAt;
    await sleep(2_000);
    await senders.stop();
    // The app process stayed up through the outage.
    expect(app.child.exitCode, app.stderr()).toBeNull();
    expect(before).toBeGreaterThan(0);
    expect(senders.acked.size).toBeGreaterThan(duringOutage);

    // Prisma's pool also lost its connections; it reconnects on use.
    const result = await expectStoredOnceAndDecided(prisma, tenant.companyId, senders.acked);
    console.info(
      `db crash: ${SENDERS} senders, postgres killed -9 (${killed.length} processes) and restarted; ` +
        `${senders.acked.size} acknowledged (${before} before the kill, ${duringOutage - before} answered in the ` +
        `second after it, committed before it), first 2xx ${recoveredMs} ms after the restart; answers ` +
        `${JSON.stringify(Object.fromEntries(senders.statuses))}; ${result.stored} stored ` +
        `(${result.missing} acknowledged missing, ${result.twice} twice), ${result.incidents} incidents = serial replay`,
    );
  }, 240_000);
});
