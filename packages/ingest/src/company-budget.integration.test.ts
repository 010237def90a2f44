// The per-company alert budget (issue 17): a company that sends more alerts than its budget, from
// any number of keys, gets 429 with Retry-After and nothing of the refused request is stored, while
// another company (same MSP or another) is still accepted. The budget refills with time. It is shared
// through PostgreSQL: two intake runtimes (each its own pool, as two web processes) on one database
// together accept no more than one budget. Replays of a captured signed request spend none of it.
import { createPool, createPrismaClient, type PrismaClient } from '@aw/db';
import { createTestDatabase } from '@aw/db/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createCompany } from './testing/tenants.ts';
import { createIngestRuntime, handleIngest, type IngestRuntime } from './handler.ts';
import { createApiKey } from './keys.ts';
import { createTenants, signedRequest, TEST_ENCRYPTION_KEY } from './testing/tenants.ts';
import { silentLogger } from './types.ts';

const ALERTS = 'http://127.0.0.1/api/v1/alerts';
const [target] = inject('pgTargets');

describe('per-company alert budget', () => {
  let db: { url: string; drop(): Promise<void> };
  let prisma: PrismaClient;
  let pool: pg.Pool;
  let rt: IngestRuntime;
  let t: Awaited<ReturnType<typeof createTenants>>;
  let clock = Date.now();
  const batch = (tag: string, n: number) =>
    Array.from({ length: n }, (_, i) => ({ asset: `${tag}-${i}`, signature: 'disk_full', severity: 'high' }));
  const post = async (key: string, secret: string, body: unknown) =>
    handleIngest(await signedRequest(ALERTS, body, { key, secret, now: Math.floor(clock / 1000) }), rt);

  beforeAll(async () => {
    db = await createTestDatabase(target!);
    prisma = createPrismaClient(db.url, { max: 2 });
    pool = createPool(db.url, { max: 4 });
    t = await createTenants(prisma);
    // 60 alerts a minute per company (a burst of 60), per-key limit far above it.
    rt = createIngestRuntime({
      pool,
      encryptionKey: TEST_ENCRYPTION_KEY,
      logger: silentLogger,
      rateLimitPerMinute: 10_000,
      companyAlertsPerMinute: 60,
      now: () => clock,
    });
  });
  afterAll(async () => {
    await rt?.close();
    await pool?.end();
    await prisma?.$disconnect();
    await db?.drop();
  });

  it("refuses a storming company's excess with 429, from any of its keys, and accepts the others", async () => {
    const second = await createApiKey({
      prisma,
      companyId: t.a.id,
      actorId: null,
      input: { name: 'second sender' },
    });
    expect((await post(t.a.key, t.a.secret, batch('a1', 50))).status).toBe(202);
    // 10 left: a request of 20 from the company's other key is refused whole.
    const refused = await post(second.key, t.a.secret, batch('a2', 20));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/company/);
    expect(await prisma.alert.count({ where: { companyId: t.a.id } })).toBe(50);
    // Other companies are untouched by A's storm: same MSP and another MSP.
    expect((await post(t.a2.key, t.a2.secret, batch('g', 60))).status).toBe(202);
    expect((await post(t.b.key, t.b.secret, batch('i', 60))).status).toBe(202);
    expect(await prisma.alert.count({ where: { companyId: t.a2.id } })).toBe(60);
    // After 20 s, 20 more alerts fit again.
    clock += 20_000;
    expect((await post(second.key, t.a.secret, batch('a3', 20))).status).toBe(202);
    expect(await prisma.alert.count({ where: { companyId: t.a.id } })).toBe(70);
  });

  it('is one budget for every intake process on the database', async () => {
    // Two runtimes with their own pools (as PROCESS_ROLE=web ×2), the same budget setting.
    const pools = [createPool(db.url, { max: 4 }), createPool(db.url, { max: 4 })];
    const rts = pools.map((p) =>
      createIngestRuntime({
        pool: p,
        encryptionKey: TEST_ENCRYPTION_KEY,
        logger: silentLogger,
        rateLimitPerMinute: 10_000,
        companyAlertsPerMinute: 60,
        now: () => clock,
      }),
    );
    try {
      const storm = await createCompany(prisma, t.a.mspId, 'storm');
      const calm = await createCompany(prisma, t.b.mspId, 'calm');
      const send = (i: number, c: typeof storm, tag: string) =>
        signedRequest(ALERTS, batch(`${tag}-${i}`, 10), {
          key: c.key,
          secret: c.secret,
          now: Math.floor(clock / 1000),
        }).then((req) => handleIngest(req, rts[i % 2]!));
      // 12 requests of 10 alerts, half to each process, at once: 120 alerts against a budget of 60.
      const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => send(i, storm, 'storm')));
      const accepted = answers.filter((r) => r.status === 202);
      const refused = answers.filter((r) => r.status === 429);
      expect(accepted.length + refused.length).toBe(12);
      expect(accepted.length).toBe(6);
      for (const r of refused) expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await prisma.alert.count({ where: { companyId: storm.id } })).toBe(60);
      // Another company, through either process, is not affected.
      const calmAnswers = await Promise.all([0, 1, 2, 3].map((i) => send(i, calm, 'calm')));
      expect(calmAnswers.map((r) => r.status)).toEqual([202, 202, 202, 202]);
      expect(await prisma.alert.count({ where: { companyId: calm.id } })).toBe(40);
    } finally {
      for (const r of rts) await r.close();
      for (const p of pools) await p.end();
    }
  });

  it('does not let replays of a captured signed request spend the budget', async () => {
    const victim = await createCompany(prisma, t.b.mspId, 'replayed');
    const captured = batch('captured', 10);
    const at = Math.floor(clock / 1000);
    const send = async (body: unknown) =>
      handleIngest(
        await signedRequest(ALERTS, body, { key: victim.key, secret: victim.secret, now: at }),
        rt,
      );
    expect((await send(captured)).status).toBe(202);
    // The attacker replays the same bytes (same timestamp and signature) 10 times: each is refused
    // as a replay, and none of them takes from the company's budget (10 × 10 alerts would exhaust it).
    for (let i = 0; i < 10; i++) expect((await send(captured)).status).toBe(401);
    // The company's own next 50 alerts still fit in what is left of its 60.
    expect((await send(batch('own', 50))).status).toBe(202);
    expect(await prisma.alert.count({ where: { companyId: victim.id } })).toBe(60);
  });
});
