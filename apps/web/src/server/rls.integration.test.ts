// Row-level security, the second wall (prisma/migrations/*_row_level_security): on a connection
// walled in as the `aw_tenant` role, a transaction without the tenant setting sees no row of any
// tenant table, one with another tenant's setting sees none of ours (in every tenant table, filled
// by the same fixture as the tenant sweeps), a client company's setting sees only that company, a
// write into another tenant is refused, and the setting ends with its transaction (pooled
// connections). Every tenant table, read from the live schema, must have RLS on and a policy.
import { randomBytes } from 'node:crypto';
import { createPool, createPrismaClient, type PrismaClient } from '@aw/db';
import { withTenantScope, type TTenantScope } from '@aw/db/tenant-scope';
import { createTestDatabase } from '@aw/db/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { populate, tenant, tenantTables, type Tenant } from './testing/tenant-fixture';

const [target] = inject('pgTargets');

describe('row-level security on tenant tables', () => {
  let db: { url: string; drop(): Promise<void> };
  let prisma: PrismaClient;
  let pool: pg.Pool;
  let ours: Tenant;
  let theirs: Tenant;
  let tables: Awaited<ReturnType<typeof tenantTables>>;

  beforeAll(async () => {
    db = await createTestDatabase(target!);
    prisma = createPrismaClient(db.url, { max: 2 });
    pool = createPool(db.url, { max: 2 });
    ours = await tenant(prisma, 'Ours', 'x', `OURS${randomBytes(3).toString('hex')}`);
    theirs = await tenant(prisma, 'Theirs', 'x', 'theirs');
    await populate(prisma, ours, 'OURS');
    await populate(prisma, theirs, 'THEIRS');
    tables = await tenantTables(prisma);
  });
  afterAll(async () => {
    await pool?.end();
    await prisma?.$disconnect();
    await db?.drop();
  });

  /** Runs `fn` in one transaction walled in as `aw_tenant`, with the tenant setting when given. */
  const walled = <T>(
    scope: TTenantScope | null,
    fn: (c: pg.PoolClient) => Promise<T>,
    client?: pg.PoolClient,
  ) => withTenantScope(client ?? pool, scope, fn, { asRole: 'aw_tenant' });

  /** Rows of tenant `t` per table, as the walled connection sees them. */
  const visible = (c: pg.PoolClient, t: Tenant) =>
    Promise.all(
      tables.map(async ({ table, col }) => {
        const ids = col === 'mspId' ? [t.mspId] : t.companies;
        const r = await c.query<{ n: string }>(
          `SELECT count(*) AS n FROM "${table}" WHERE "${col}"::text = ANY($1)`,
          [ids],
        );
        return [table, Number(r.rows[0]!.n)] as const;
      }),
    );

  it('has RLS enabled and a policy on every tenant table of the schema', async () => {
    const rows = await prisma.$queryRaw<{ t: string; rls: boolean; policies: bigint }[]>`
      SELECT c.relname AS t, c.relrowsecurity AS rls,
             (SELECT count(*) FROM pg_policies p WHERE p.tablename = c.relname AND p.schemaname = current_schema()) AS policies
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')`;
    const byName = new Map(rows.map((r) => [r.t, r]));
    const missing = [...tables.map((t) => t.table), 'Msp'].filter(
      (t) => !byName.get(t)?.rls || byName.get(t)!.policies === 0n,
    );
    expect(missing, 'tenant tables without row-level security').toEqual([]);
    expect(tables.length).toBeGreaterThan(20);
  });

  it('sees no row of any tenant table without the setting', async () => {
    const seen = await walled(null, async (c) => [
      ...(await visible(c, ours)),
      ...(await visible(c, theirs)),
    ]);
    expect(seen.filter(([, n]) => n > 0)).toEqual([]);
    const msps = await walled(null, (c) => c.query('SELECT count(*)::int AS n FROM "Msp"'));
    expect(msps.rows[0].n).toBe(0);
  });

  it("sees none of our rows with another tenant's setting, and its own", async () => {
    const { ourRows, theirRows } = await walled({ mspId: theirs.mspId }, async (c) => ({
      ourRows: await visible(c, ours),
      theirRows: await visible(c, theirs),
    }));
    expect(ourRows.filter(([, n]) => n > 0)).toEqual([]);
    // The populated tables are visible to their own tenant (the wall is not just "nothing").
    const own = Object.fromEntries(theirRows);
    for (const t of ['Company', 'Incident', 'Alert', 'ApiKey', 'WebhookSecret', 'Runbook', 'Site'])
      expect(own[t], t).toBeGreaterThan(0);
  });

  it("limits a client company's setting to that company", async () => {
    const [c1, c2] = ours.companies as [string, string];
    const companies = await walled({ mspId: ours.mspId, companyId: c2 }, async (c) => {
      const r = await c.query<{ id: string }>('SELECT id::text AS id FROM "Company"');
      const incidents = await c.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM "Incident" WHERE "companyId" = $1',
        [c1],
      );
      return { ids: r.rows.map((x) => x.id), incidentsOfC1: incidents.rows[0]!.n };
    });
    expect(companies.ids).toEqual([c2]);
    expect(companies.incidentsOfC1).toBe(0);
  });

  it("refuses a write into another tenant's rows", async () => {
    const victimCompany = ours.companies[0]!;
    await expect(
      walled({ mspId: theirs.mspId }, (c) =>
        c.query(
          `INSERT INTO "Silence" ("mspId", "companyId", "endsAt") VALUES ($1, $2, now() + interval '1 hour')`,
          [ours.mspId, victimCompany],
        ),
      ),
    ).rejects.toThrow(/row-level security/);
    const updated = await walled({ mspId: theirs.mspId }, (c) =>
      c.query(`UPDATE "Incident" SET title = 'pwned' WHERE "mspId" = $1`, [ours.mspId]),
    );
    expect(updated.rowCount).toBe(0);
    expect(await prisma.incident.count({ where: { title: 'pwned' } })).toBe(0);
  });

  it('ends the setting with its transaction, so a pooled connection does not carry it over', async () => {
    const c = await pool.connect();
    try {
      const first = await walled({ mspId: ours.mspId }, (x) => visible(x, ours), c);
      expect(first.some(([, n]) => n > 0)).toBe(true);
      const next = await walled(null, (x) => visible(x, ours), c);
      expect(next.filter(([, n]) => n > 0)).toEqual([]);
    } finally {
      c.release();
    }
  });

  it("leaves the app's own role (the tables' owner) unaffected", async () => {
    expect(await prisma.incident.count()).toBeGreaterThan(1);
  });
});
