// "IncidentEntityKey" (migration 20261130130000_incident_entity_keys), the index the situation linker
// reads instead of every live incident of the company, must hold exactly one row per entity key of
// each incident, open unless RESOLVED, with the incident's first-seen time, whoever wrote the
// incident: a correlation turn keeps the rows itself (its transaction turns the triggers off), every
// other writer through the row triggers. Each step below compares the table with what the incidents
// call for, on both PostgreSQL versions.
import { createPool } from '@aw/db';
import { withTenantScope } from '@aw/db/tenant-scope';
import { createTestDatabase } from '@aw/db/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { entityKeyRows } from '../testing/entity-keys.ts';
import { createTenant, storeAlerts } from '../testing/fixtures.ts';
import { correlateCompany } from './apply.ts';

const T0 = new Date('2026-03-02T10:00:00Z').getTime();
const MIN = 60_000;

describe.each(inject('pgTargets'))('incident entity keys on $name', (target) => {
  let db: { url: string; drop(): Promise<void> };
  let pool: pg.Pool;

  beforeAll(async () => {
    db = await createTestDatabase(target);
    pool = createPool(db.url, { max: 4 });
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  async function expectKept(companyId: string, atLeast: number) {
    const { kept, derived } = await entityKeyRows(pool, companyId);
    expect(derived.length).toBeGreaterThanOrEqual(atLeast);
    expect(kept).toEqual(derived);
    return kept;
  }

  async function insertIncident(mspId: string, companyId: string, key: string, entityKeys: string[]) {
    const r = await pool.query<{ id: string }>(
      `INSERT INTO "Incident" ("mspId", "companyId", "correlationKey", "openKey", title, asset, signature, source,
              severity, "windowStart", "windowEnd", "firstSeenAt", "lastSeenAt", "entityKeys", "updatedAt")
       VALUES ($1, $2, $3, $3, $3, 'web-1', 'disk', 'NATIVE', 'HIGH', now(), now(), now(), now(), $4::text[], now())
       RETURNING id`,
      [mspId, companyId, key, entityKeys],
    );
    return r.rows[0]!.id;
  }

  it('keeps the rows for writers outside a turn: insert, resolve, reopen, keys gained and lost, delete', async () => {
    const t = await createTenant(pool);
    const c = await t.company('Board');
    const scope = { mspId: t.mspId, companyId: c };
    // A repeated key is one row.
    const a = await insertIncident(t.mspId, c, 'web-1|disk', ['asset=web-1', 'asset=web-1', 'topology=sw-1']);
    const b = await insertIncident(t.mspId, c, 'web-2|disk', []);
    expect((await expectKept(c, 2)).map((r) => [r.incidentId, r.key, r.open])).toEqual([
      [a, 'asset=web-1', true],
      [a, 'topology=sw-1', true],
    ]);

    // A technician resolves and reopens it on the board: walled in as the tenant, like the app.
    const asTenant = (sql: string, params: unknown[]) =>
      withTenantScope(pool, scope, (cl) => cl.query(sql, params), { asRole: 'aw_tenant' });
    await asTenant(`UPDATE "Incident" SET status = 'RESOLVED', "openKey" = NULL WHERE id = $1`, [a]);
    expect((await expectKept(c, 2)).every((r) => !r.open)).toBe(true);
    await asTenant(`UPDATE "Incident" SET status = 'ACKNOWLEDGED' WHERE id = $1`, [a]);
    expect((await expectKept(c, 2)).every((r) => r.open)).toBe(true);

    // Keys gained and lost, the first-seen time moved, several incidents in one statement.
    await asTenant(
      `UPDATE "Incident" SET "entityKeys" = CASE WHEN id = $1 THEN ARRAY['asset=web-1', 'label:ip=10.0.0.5']
                                               ELSE ARRAY['asset=web-2'] END,
              "firstSeenAt" = "firstSeenAt" - interval '1 hour'
        WHERE id = ANY($2::uuid[])`,
      [a, [a, b]],
    );
    const keys = await expectKept(c, 3);
    expect(keys.map((r) => r.key).sort()).toEqual(['asset=web-1', 'asset=web-2', 'label:ip=10.0.0.5']);

    // An update that changes none of it writes nothing.
    const before = await pool.query(
      `SELECT xmin::text AS x FROM "IncidentEntityKey" WHERE "incidentId" = $1`,
      [a],
    );
    await asTenant(`UPDATE "Incident" SET title = 'renamed', "lastSeenAt" = now() WHERE id = $1`, [a]);
    const after = await pool.query(
      `SELECT xmin::text AS x FROM "IncidentEntityKey" WHERE "incidentId" = $1`,
      [a],
    );
    expect(after.rows).toEqual(before.rows);

    // Another tenant sees none of the rows, and deleting the incident deletes them.
    const other = await createTenant(pool);
    const oc = await other.company('Other');
    const seen = await withTenantScope(
      pool,
      { mspId: other.mspId, companyId: oc },
      (cl) => cl.query(`SELECT count(*)::int AS n FROM "IncidentEntityKey"`),
      { asRole: 'aw_tenant' },
    );
    expect(seen.rows[0].n).toBe(0);
    await pool.query(`DELETE FROM "Incident" WHERE id = $1`, [a]);
    expect((await expectKept(c, 1)).map((r) => r.incidentId)).toEqual([b]);
  });

  it('a turn keeps the rows itself as incidents open, gain keys and resolve, and the triggers take over after it', async () => {
    const t = await createTenant(pool);
    const c = await t.company('Turns');
    const at = (m: number) => new Date(T0 + m * MIN);
    await storeAlerts(pool, t.mspId, c, [
      { asset: 'web-1', signature: 'disk', occurredAt: at(0), labels: { src_ip: '10.0.0.1' } },
      { asset: 'web-2', signature: 'cpu', occurredAt: at(1), labels: { src_ip: '10.0.0.1' } },
      { asset: 'web-3', signature: 'mem', occurredAt: at(2), labels: { depends_on: 'db-1' } },
    ]);
    expect((await correlateCompany(pool, c)).decided).toBe(3);
    const opened = await expectKept(c, 5);
    expect(opened.every((r) => r.open)).toBe(true);
    // The situation linker used the rows: the two incidents sharing the address are one situation.
    const sits = await pool.query<{ n: number }>(
      `SELECT count(DISTINCT "situationId")::int AS n FROM "Incident"
        WHERE "companyId" = $1 AND asset IN ('web-1', 'web-2') AND "situationId" IS NOT NULL`,
      [c],
    );
    expect(sits.rows[0]!.n).toBe(1);

    // A later alert adds a key to an open incident, another resolves one: both in the next turn.
    await storeAlerts(pool, t.mspId, c, [
      { asset: 'web-1', signature: 'disk', occurredAt: at(3), labels: { src_ip: '10.0.0.1', user: 'alice' } },
      {
        asset: 'web-2',
        signature: 'cpu',
        occurredAt: at(4),
        status: 'RESOLVED',
        labels: { src_ip: '10.0.0.1' },
      },
    ]);
    expect((await correlateCompany(pool, c)).decided).toBe(2);
    const later = await expectKept(c, 6);
    expect(later.some((r) => r.key === 'label:user=alice' && r.open)).toBe(true);
    const web2 = await pool.query<{ id: string; status: string }>(
      `SELECT id, status FROM "Incident" WHERE "companyId" = $1 AND asset = 'web-2'`,
      [c],
    );
    expect(web2.rows[0]!.status).toBe('RESOLVED');
    expect(later.filter((r) => r.incidentId === web2.rows[0]!.id).every((r) => !r.open)).toBe(true);

    // Outside a turn the triggers keep them: a technician reopens it.
    await pool.query(`UPDATE "Incident" SET status = 'OPEN' WHERE id = $1`, [web2.rows[0]!.id]);
    expect(
      (await expectKept(c, 6)).filter((r) => r.incidentId === web2.rows[0]!.id).every((r) => r.open),
    ).toBe(true);
  });
});
