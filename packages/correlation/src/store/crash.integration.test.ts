// Crash safety of the intake (issue 17): 32 concurrent senders post alerts to an app process (the
// real ingestion handler on node:http with a CorrelationWorker, src/testing/intake-process.ts); the
// process is killed with SIGKILL mid-stream and started again on the same database. Every alert that
// got a 2xx must be stored exactly once and decided, and the incidents must be the ones a serial
// replay of the stored alerts through the engine gives (src/testing/crash-harness.ts, shared with
// db-crash.integration.test.ts, which kills PostgreSQL instead).
import { createPrismaClient, type PrismaClient } from '@aw/db';
import { createTestDatabase } from '@aw/db/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  crashTenant,
  expectStoredOnceAndDecided,
  sleep,
  startApp,
  startSenders,
  type AppProcess,
} from '../testing/crash-harness.ts';

const SENDERS = 32;

describe.each(inject('pgTargets').slice(0, 1))('crash safety of the intake on $name', (target) => {
  let db: { url: string; drop(): Promise<void> };
  let prisma: PrismaClient;
  let app: AppProcess | null = null;
  let tenant: { companyId: string; key: string };

  beforeAll(async () => {
    db = await createTestDatabase(target);
    prisma = createPrismaClient(db.url, { max: 3 });
    tenant = await crashTenant(prisma, 'crash');
  });

  afterAll(async () => {
    app?.child.kill('SIGKILL');
    await prisma?.$disconnect();
    await db?.drop();
  });

  it('loses no acknowledged alert and stores none twice when the app is killed -9 under load', async () => {
    app = await startApp(db.url);
    const senders = startSenders(SENDERS, () => app!.url, tenant.key);
    await sleep(2_000);
    const before = senders.acked.size;
    const killed = app.child;
    const exited = new Promise((r) => killed.once('exit', r));
    killed.kill('SIGKILL');
    await exited;
    await sleep(300);
    app = await startApp(db.url);
    await sleep(2_000);
    await senders.stop();
    expect(before).toBeGreaterThan(0);
    expect(senders.acked.size).toBeGreaterThan(before);

    const result = await expectStoredOnceAndDecided(prisma, tenant.companyId, senders.acked);
    console.info(
      `crash: ${SENDERS} senders, ${senders.acked.size} acknowledged (${before} before the kill), ` +
        `${senders.refused()} refused or cut off, ${result.stored} stored (${result.missing} acknowledged ` +
        `missing, ${result.twice} twice), ${result.incidents} incidents = serial replay`,
    );
  }, 180_000);
});
