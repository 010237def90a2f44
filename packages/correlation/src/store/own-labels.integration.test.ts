// Label names are looked up as the alert's own labels: `constructor`, `toString` or `__proto__`
// never resolve to an inherited member (which used to end up in the inhibition prefilter's SQL as
// "function Object() { [native code] }" and stop that company's correlation).
import { loadViewer } from '@aw/accounts';
import { createPool, createPrismaClient, type PrismaClient } from '@aw/db';
import { createTestDatabase } from '@aw/db/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTenant, storeAlerts } from '../testing/fixtures.ts';
import { saveInhibitionRule } from '../services/settings.ts';
import { correlateCompany } from './apply.ts';
import { q } from './sql.ts';

const at = (min: number) => new Date(Date.now() - 3600_000 + min * 60_000);

describe.each(inject('pgTargets'))('label names that are Object members on $name', (target) => {
  let db: { url: string; drop(): Promise<void> };
  let pool: pg.Pool;
  let prisma: PrismaClient;

  beforeAll(async () => {
    db = await createTestDatabase(target);
    pool = createPool(db.url, { max: 3 });
    prisma = createPrismaClient(db.url, { max: 2 });
  });
  afterAll(async () => {
    await prisma.$disconnect();
    await pool.end();
    await db.drop();
  });

  it('label:constructor, toString and __proto__ resolve to the own label or nothing, in keys, matchers and the prefilter', async () => {
    const tenant = await createTenant(pool);
    const c = await tenant.company('Proto Co', {
      aggregationKey: 'label:constructor|label:__proto__|signature',
    });
    const u = await prisma.user.create({
      data: { email: 'owner@proto.test', name: 'O', passwordHash: 'not used' },
    });
    await prisma.membership.create({ data: { userId: u.id, mspId: tenant.mspId, role: 'OWNER' } });
    await saveInhibitionRule({ prisma, viewer: (await loadViewer(prisma, u.id))! }, c, {
      name: 'proto',
      sourceMatchers: [{ field: 'constructor', op: '=', value: 'src' }],
      targetMatchers: [{ field: 'label:toString', op: '=', value: 'tgt' }],
      equal: ['label:hasOwnProperty'],
      enabled: true,
    });
    await storeAlerts(pool, tenant.mspId, c, [
      { asset: 'h1', signature: 'plain', occurredAt: at(0) },
      { asset: 'h2', signature: 'src', labels: { constructor: 'src' }, occurredAt: at(1) },
      { asset: 'h3', signature: 'tgt', labels: { toString: 'tgt' }, occurredAt: at(2) },
      { asset: 'h4', signature: 'tgt2', labels: { toString: 'nope' }, occurredAt: at(3) },
      { asset: 'h5', signature: 'proto', labels: { ['__proto__']: 'p1' }, occurredAt: at(4) },
    ]);
    const r = await correlateCompany(pool, c);
    expect(r.decided).toBe(5);
    const rows = await q<{ asset: string; decision: string; key: string | null }>(
      pool,
      `SELECT asset, decision::text, "correlationKey" AS key FROM "Alert" WHERE "companyId" = $1 ORDER BY id`,
      [c],
    );
    expect(rows.rows.map((x) => [x.asset, x.decision, x.key])).toEqual([
      ['h1', 'CORRELATED', '||plain'],
      ['h2', 'CORRELATED', 'src||src'],
      // own label toString = tgt, a firing source with own label constructor = src: inhibited
      ['h3', 'INHIBITED', null],
      ['h4', 'CORRELATED', '||tgt2'],
      ['h5', 'CORRELATED', '|p1|proto'],
    ]);
  });
});
