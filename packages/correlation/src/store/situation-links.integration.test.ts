// The set-based situation linker (situation-links.ts: a fixed number of queries per batch) against
// the reference that queries per incident (testing/situation-links-reference.ts): the same alerts,
// decided in the same batches for two companies, must give the same situations, links and
// incident memberships, hubs included.
import { createPool } from '@aw/db';
import { createTestDatabase } from '@aw/db/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { entityKeyRows } from '../testing/entity-keys.ts';
import { createTenant, storeAlerts, type StoredAlertInput } from '../testing/fixtures.ts';
import { linkSituationsPerIncident } from '../testing/situation-links-reference.ts';
import { correlateCompany } from './apply.ts';
import { q } from './sql.ts';

const T0 = new Date('2026-03-02T10:00:00Z').getTime();

/** mulberry32: the same stream on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Hosts sharing source addresses and dependencies, one address seen nearly everywhere (a hub).
 * `wide`: 300 hosts, each with an address of its own, and the shared address on about a fifth of
 * the alerts, near the hub share: most keys are rare, so the linker stops counting the lookback's
 * incidents early (the cap in situation-links.ts), and the shared one is a hub or not by a few.
 */
function stream(n: number, seed: number, wide = false): StoredAlertInput[] {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const out: StoredAlertInput[] = [];
  const firing: StoredAlertInput[] = [];
  let t = T0;
  for (let i = 0; i < n; i++) {
    t += Math.floor(rand() * 90_000);
    if (firing.length && rand() < 0.15) {
      const a = firing.splice(Math.floor(rand() * firing.length), 1)[0]!;
      out.push({ ...a, status: 'RESOLVED', occurredAt: new Date(t) });
      continue;
    }
    const host = wide ? Math.floor(rand() * 300) : Math.floor(rand() * rand() * 14);
    const asset = `host-${host}`;
    const labels: Record<string, string> = {};
    if (wide) labels.src_ip = rand() < 0.19 ? '10.0.0.1' : `10.1.${host >> 8}.${host & 255}`;
    else labels.src_ip = rand() < 0.5 ? '10.0.0.1' : pick(['203.0.113.7', '203.0.113.8', '198.51.100.2']);
    if (rand() < 0.3) labels.depends_on = pick(['db-1', 'db-2', 'lb-1']);
    if (rand() < 0.2) labels.user = pick(['alice', 'bob']);
    const a: StoredAlertInput = {
      asset,
      signature: `check_${Math.floor(rand() * 6)}`,
      severity: pick(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW']),
      occurredAt: new Date(t),
      labels,
    };
    firing.push(a);
    out.push(a);
  }
  return out;
}

describe.each(inject('pgTargets'))('set-based situation linking on $name', (target) => {
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

  /** The company's situations as comparable values: incidents named by key and first sight. */
  async function snapshot(companyId: string) {
    const inc = await q<Record<string, unknown>>(
      pool,
      `SELECT id, "correlationKey", "firstSeenAt", status, "entityKeys", "situationId"
         FROM "Incident" WHERE "companyId" = $1 ORDER BY "firstSeenAt", "correlationKey"`,
      [companyId],
    );
    const name = new Map(
      inc.rows.map((r) => [
        r.id as string,
        `${r.correlationKey as string}@${(r.firstSeenAt as Date).toISOString()}`,
      ]),
    );
    const members = new Map<string, string[]>();
    for (const r of inc.rows)
      if (r.situationId)
        members.set(r.situationId as string, [
          ...(members.get(r.situationId as string) ?? []),
          name.get(r.id as string)!,
        ]);
    const sit = (id: unknown) => (id ? (members.get(id as string) ?? []).sort().join(' + ') : null);
    const sits = await q<Record<string, unknown>>(
      pool,
      `SELECT id, status, title, severity, "incidentCount", "firstSeenAt", "lastSeenAt", "resolvedAt" IS NOT NULL AS resolved
         FROM "Situation" WHERE "companyId" = $1`,
      [companyId],
    );
    const links = await q<Record<string, unknown>>(
      pool,
      `SELECT "situationId", "incidentId", "linkedIncidentId", entity, value, explanation, "createdAt"
         FROM "SituationLink" WHERE "companyId" = $1 ORDER BY id`,
      [companyId],
    );
    return {
      incidents: inc.rows.map((r) => ({
        name: name.get(r.id as string),
        status: r.status,
        entityKeys: r.entityKeys,
        situation: sit(r.situationId),
      })),
      situations: sits.rows
        .map((r) => ({ ...r, id: sit(r.id) }))
        .sort((a, b) => String(a.id).localeCompare(String(b.id))),
      links: links.rows.map((r) => ({
        ...r,
        situationId: sit(r.situationId),
        incidentId: name.get(r.incidentId as string),
        linkedIncidentId: r.linkedIncidentId ? name.get(r.linkedIncidentId as string) : null,
      })),
    };
  }

  it.each([
    [1, 40, false],
    [2, 200, false],
    [3, 40, true],
  ])(
    'seed %i, %i alerts per batch (wide: %s): the same situations as one query per incident',
    async (seed, batch, wide) => {
      const tenant = await createTenant(pool);
      const setBased = await tenant.company(`Set ${seed}`);
      const perIncident = await tenant.company(`Per ${seed}`);
      const alerts = stream(wide ? 1200 : 700, seed, wide);
      await storeAlerts(pool, tenant.mspId, setBased, alerts);
      await storeAlerts(pool, tenant.mspId, perIncident, alerts);
      for (;;) {
        const a = await correlateCompany(pool, setBased, { batchSize: batch });
        const b = await correlateCompany(pool, perIncident, {
          batchSize: batch,
          linkSituations: linkSituationsPerIncident,
        });
        expect(a.decided).toBe(b.decided);
        if (!a.decided) break;
      }
      const got = await snapshot(setBased);
      const want = await snapshot(perIncident);
      // The stream exercises linking: several situations and links, the widely shared address.
      expect(want.situations.length).toBeGreaterThan(3);
      expect(want.links.length).toBeGreaterThan(10);
      expect(want.incidents.some((i) => (i.entityKeys as string[]).includes('label:src_ip=10.0.0.1'))).toBe(
        true,
      );
      expect(got).toEqual(want);
      // The linker read the incidents sharing its keys from "IncidentEntityKey", which the turns kept.
      const rows = await entityKeyRows(pool, setBased);
      expect(rows.derived.length).toBeGreaterThan(50);
      expect(rows.derived.some((r) => !r.open)).toBe(true);
      expect(rows.kept).toEqual(rows.derived);
    },
  );
});
