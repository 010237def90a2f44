// The correlation worker decides each company walled in by row-level security (issue 17): after it
// loads the company, its transaction runs as the role `aw_tenant` with that company as the tenant
// (sql.ts `wallCompany`). A trigger records who writes each incident and incident event; every
// write of a decision and of a time-based tick must come from `aw_tenant` with the company's
// setting, and a decision cannot read another company's rows even with an unscoped query.
import { createPool } from '@aw/db';
import { createTestDatabase } from '@aw/db/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTenant, storeAlerts } from '../testing/fixtures.ts';
import { correlateCompany, tickCompany } from './apply.ts';
import { inTransaction, lockCompany, wallCompany } from './sql.ts';

const [target] = inject('pgTargets');
const T0 = new Date('2026-03-02T10:00:00Z').getTime();
const at = (min: number) => new Date(T0 + min * 60_000);

describe('the correlation worker under row-level security', () => {
  let db: { url: string; drop(): Promise<void> };
  let pool: pg.Pool;

  beforeAll(async () => {
    db = await createTestDatabase(target!);
    pool = createPool(db.url, { max: 4 });
    await pool.query(`CREATE TABLE wall_log (tbl text, who text, company text)`);
    await pool.query(`CREATE FUNCTION wall_log_write() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO wall_log VALUES (TG_TABLE_NAME, current_user, current_setting('aw.company_id', true));
        RETURN NULL;
      END $$`);
    for (const t of ['Incident', 'IncidentEvent'])
      await pool.query(
        `CREATE TRIGGER wall_log AFTER INSERT OR UPDATE ON "${t}" FOR EACH ROW EXECUTE FUNCTION wall_log_write()`,
      );
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('writes every decision and tick as aw_tenant for the company decided, and sees no other company', async () => {
    const t = await createTenant(pool);
    const c1 = await t.company('one');
    const c2 = await t.company('two');
    const other = await createTenant(pool);
    const c3 = await other.company('three');
    for (const c of [c1, c2, c3])
      await storeAlerts(pool, c === c3 ? other.mspId : t.mspId, c, [
        { occurredAt: at(0) },
        { asset: 'web-01', signature: 'host_down', occurredAt: at(1) },
        { status: 'RESOLVED', occurredAt: at(2) },
      ]);
    for (const c of [c1, c2, c3]) expect((await correlateCompany(pool, c)).decided).toBe(3);
    await tickCompany(pool, c1, at(24 * 60));

    const log = await pool.query<{ tbl: string; who: string; company: string }>(`SELECT * FROM wall_log`);
    expect(log.rows.length).toBeGreaterThan(6);
    expect(log.rows.filter((r) => r.who !== 'aw_tenant')).toEqual([]);
    const incidents = await pool.query<{ companyId: string }>(`SELECT "companyId"::text FROM "Incident"`);
    expect(new Set(incidents.rows.map((r) => r.companyId))).toEqual(new Set([c1, c2, c3]));
    expect(new Set(log.rows.map((r) => r.company))).toEqual(new Set([c1, c2, c3]));

    // Inside a walled decision transaction, an unscoped read sees only the company decided.
    const seen = await inTransaction(pool, async (c) => {
      await lockCompany(c, c1);
      await wallCompany(c, t.mspId, c1);
      return c.query<{ companyId: string }>(`SELECT DISTINCT "companyId"::text FROM "Incident"`);
    });
    expect(seen.rows.map((r) => r.companyId)).toEqual([c1]);
  });
});
