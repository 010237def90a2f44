import type pg from 'pg';
import { createPool } from './index.ts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from './testing/postgres.ts';

const targets = inject('pgTargets');

interface PlanNode {
  'Node Type': string;
  'Parent Relationship'?: string;
  Filter?: string;
  Plans?: PlanNode[];
}
const walk = (n: PlanNode, out: PlanNode[] = []): PlanNode[] => {
  out.push(n);
  for (const c of n.Plans ?? []) walk(c, out);
  return out;
};

// The tenant policies (prisma/migrations/*_row_level_security, *_rls_settings_once) read the session's
// tenant settings once per statement (an InitPlan), not once per row: a walled statement over many
// rows must not parse aw.msp_id for each of them. The wall itself must still hold.
describe.each(targets)('tenant policies on $name', (target) => {
  let db: { url: string; drop(): Promise<void> };
  let pool: pg.Pool;
  const msp = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'];
  const walled = async <T>(mspId: string, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> => {
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      await c.query(
        `SELECT set_config('role', 'aw_tenant', true), set_config('aw.msp_id', $1, true), set_config('aw.company_id', '', true)`,
        [mspId],
      );
      return await fn(c);
    } finally {
      await c.query('ROLLBACK');
      c.release();
    }
  };

  beforeAll(async () => {
    db = await createTestDatabase(target);
    pool = createPool(db.url, { max: 2 });
    for (const [i, id] of msp.entries()) {
      await pool.query(`INSERT INTO "Msp" (id, name, slug, "updatedAt") VALUES ($1, $2, $3, now())`, [
        id,
        `M${i}`,
        `m-${i}`,
      ]);
      await pool.query(
        `INSERT INTO "Company" (id, "mspId", name, slug, "awsExternalId", "updatedAt")
         SELECT gen_random_uuid(), $1::uuid, 'C' || g, 'c-' || g, 'ext-' || $1::text || '-' || g, now() FROM generate_series(1, 50) g`,
        [id],
      );
    }
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  it('a walled statement sees only its MSP', async () => {
    const seen = await walled(msp[0]!, async (c) =>
      (await c.query<{ m: string }>(`SELECT DISTINCT "mspId"::text AS m FROM "Company"`)).rows.map(
        (r) => r.m,
      ),
    );
    expect(seen).toEqual([msp[0]]);
    const other = await walled(
      msp[0]!,
      async (c) =>
        (await c.query(`UPDATE "Company" SET name = 'taken' WHERE "mspId" = $1`, [msp[1]])).rowCount,
    );
    expect(other).toBe(0);
    // Written rows are checked too (WITH CHECK): no row for another MSP.
    await expect(
      walled(msp[0]!, (c) =>
        c.query(
          `INSERT INTO "Company" (id, "mspId", name, slug, "awsExternalId", "updatedAt")
           VALUES (gen_random_uuid(), $1, 'planted', 'planted', 'ext-planted', now())`,
          [msp[1]],
        ),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it('reads the tenant settings once per statement, not in every row filter', async () => {
    for (const table of ['Company', 'Incident', 'Alert', 'RealtimeEvent']) {
      const plan = await walled(msp[0]!, async (c) => {
        const r = await c.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(
          `EXPLAIN (FORMAT JSON) SELECT * FROM "${table}"`,
        );
        return r.rows[0]!['QUERY PLAN'][0]!.Plan;
      });
      const nodes = walk(plan);
      const perRow = nodes.filter((n) => n.Filter?.includes('current_setting'));
      expect(perRow.map((n) => `${table}: ${n['Node Type']} ${n.Filter}`)).toEqual([]);
      expect(nodes.some((n) => n['Parent Relationship'] === 'InitPlan')).toBe(true);
    }
  });

  it('every tenant policy of every table reads the settings through a scalar subquery', async () => {
    const r = await pool.query<{ tablename: string; qual: string; with_check: string }>(
      `SELECT tablename, qual, with_check FROM pg_policies WHERE schemaname = current_schema() AND policyname = 'aw_tenant'`,
    );
    expect(r.rows.length).toBeGreaterThan(20);
    const bare = (q: string) => /(?<!SELECT )aw_setting_uuid\(/.test(q);
    expect(r.rows.filter((p) => bare(p.qual) || bare(p.with_check)).map((p) => p.tablename)).toEqual([]);
    expect(r.rows.map((p) => p.tablename)).toEqual(expect.arrayContaining(['Alert', 'AlertDedupKey']));
  });
});
