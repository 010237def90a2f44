// The worker's partition upkeep on a real PostgreSQL: two workers creating the months ahead at the
// same time create each once and leave no gap, an alert stored in the default partition (a time
// past every month) is moved into its month when that month is created (same id, dedup intact),
// a month the worker created is walled per tenant like "Alert" when read directly, and every month
// computes no statistics for the wide JSON columns (migration 20261203193000).
import type pg from 'pg';
import { createPool } from '@aw/db';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTenant } from '@aw/correlation/testing';
import { createTestDatabase } from '@aw/db/testing';
import { JobQueue } from '@aw/jobs';
import { alertPartitions, DEFAULT_PARTITION, ensureAlertPartitions, partitionName } from './partitions.ts';
import { registerRetentionWorker, RETENTION_JOB, startRetention } from './worker.ts';

const DAY = 86_400_000;
const NOW = new Date();
const later = (days: number) => new Date(NOW.getTime() + days * DAY);

const INTAKE = `
  INSERT INTO "Alert" ("mspId", "companyId", source, fingerprint, "dedupKey", asset, signature, severity, status,
                       "occurredAt", "receivedAt", raw)
  VALUES ($1, $2, 'NATIVE', 'fp', $3, 'web-01', 'cpu', 'HIGH', 'FIRING', $4::timestamp, now(), '{}')
  ON CONFLICT ("companyId", "dedupKey", "occurredAt") DO NOTHING RETURNING id::text AS id`;

describe.each(inject('pgTargets'))('alert partitions on $name', (target) => {
  let db: { url: string; drop(): Promise<void> };
  let pools: pg.Pool[];
  let mine: { mspId: string; companyId: string };
  let theirs: { mspId: string; companyId: string };

  beforeAll(async () => {
    db = await createTestDatabase(target);
    pools = [0, 1].map(() => createPool(db.url, { max: 2 }));
    for (const slot of ['mine', 'theirs'] as const) {
      const t = await createTenant(pools[0]!);
      const tenant = { mspId: t.mspId, companyId: await t.company(`Company ${slot}`) };
      if (slot === 'mine') mine = tenant;
      else theirs = tenant;
    }
  });
  afterAll(async () => {
    for (const p of pools ?? []) await p.end();
    await db?.drop();
  });

  it('two workers at once create each month ahead once, with no gap', async () => {
    const before = await alertPartitions(pools[0]!);
    expect(before.at(-1)!.name).toBe(
      partitionName(new Date(Date.UTC(NOW.getUTCFullYear(), NOW.getUTCMonth() + 3))),
    );
    let count = before.length;
    for (const days of [100, 200, 400]) {
      const runs = await Promise.all(
        pools.map((pool) => ensureAlertPartitions({ pool, clock: () => later(days) })),
      );
      const created = runs.flatMap((r) => r.created);
      expect(new Set(created).size).toBe(created.length);
      const months = await alertPartitions(pools[0]!);
      // Contiguous months, each once, up to 3 after the clock's month.
      for (let i = 1; i < months.length; i++) expect(months[i]!.from).toEqual(months[i - 1]!.to);
      const end = later(days);
      expect(months.at(-1)!.name).toBe(
        partitionName(new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() + 3))),
      );
      expect(created.length).toBe(months.length - count);
      expect(created.length).toBeGreaterThan(0);
      count = months.length;
    }
    const after = await alertPartitions(pools[0]!);
    expect(after.length).toBeGreaterThan(before.length + 10);
    // A second call finds nothing to do.
    expect((await ensureAlertPartitions({ pool: pools[1]!, clock: () => later(400) })).created).toEqual([]);
  });

  it('moves an alert stored in the default partition into its month when the month is created', async () => {
    const at = later(600).toISOString();
    const stored = await pools[0]!.query<{ id: string }>(INTAKE, [mine.mspId, mine.companyId, 'far-1', at]);
    const where = async () =>
      (
        await pools[0]!.query<{ rel: string; id: string }>(
          `SELECT tableoid::regclass::text AS rel, id::text AS id FROM "Alert" WHERE "dedupKey" = 'far-1'`,
        )
      ).rows;
    expect((await where()).map((r) => r.rel)).toEqual([`"${DEFAULT_PARTITION}"`]);
    const run = await ensureAlertPartitions({ pool: pools[1]!, clock: () => later(600) });
    expect(run.moved).toBe(1);
    expect(await where()).toEqual([{ rel: `"${partitionName(later(600))}"`, id: stored.rows[0]!.id }]);
    // Still one alert for that key: the redelivery is refused in its new partition.
    expect((await pools[0]!.query(INTAKE, [mine.mspId, mine.companyId, 'far-1', at])).rowCount).toBe(0);
    expect(
      (await pools[0]!.query(INTAKE, [mine.mspId, mine.companyId, 'far-1', NOW.toISOString()])).rowCount,
    ).toBe(0);
    expect(await where()).toHaveLength(1);
  });

  it('walls a month the worker created per tenant when it is read directly', async () => {
    const month = partitionName(later(600));
    const t = later(600).toISOString();
    await pools[0]!.query(INTAKE, [theirs.mspId, theirs.companyId, 'theirs-1', t]);
    const policy = await pools[0]!.query<{ rls: boolean; n: number }>(
      `SELECT c.relrowsecurity AS rls, (SELECT count(*)::int FROM pg_policies p WHERE p.tablename = c.relname) AS n
         FROM pg_class c WHERE c.relname = $1`,
      [month],
    );
    expect(policy.rows[0]).toEqual({ rls: true, n: 1 });
    const c = await pools[0]!.connect();
    try {
      const seen = async (mspId: string) => {
        await c.query('BEGIN');
        await c.query('SET LOCAL ROLE aw_tenant');
        await c.query(`SELECT set_config('aw.msp_id', $1, true)`, [mspId]);
        const r = await c.query<{ key: string }>(`SELECT "dedupKey" AS key FROM "${month}" ORDER BY 1`);
        await c.query('ROLLBACK');
        return r.rows.map((x) => x.key);
      };
      expect(await seen(mine.mspId)).toEqual(['far-1']);
      expect(await seen(theirs.mspId)).toEqual(['theirs-1']);
    } finally {
      c.release();
    }
  });

  it('computes no statistics for the wide columns on any month, those the migration made and those the worker made since', async () => {
    // By now the months of the migration, those the tests above created (by PARTITION OF, and by
    // ATTACH for the month far-1 was moved into) and the default partition all exist.
    const WIDE = ['raw', 'labels', 'annotations', 'decisionReason', 'summary'];
    const targets = await pools[0]!.query<{ rel: string; col: string; target: number | null }>(
      `SELECT c.relname AS rel, a.attname AS col, nullif(coalesce(a.attstattarget::int, -1), -1) AS target
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = ANY($1::text[] || ARRAY['companyId'])
        WHERE i.inhparent = '"Alert"'::regclass`,
      [WIDE],
    );
    const rels = new Set(targets.rows.map((r) => r.rel));
    expect(rels.has(DEFAULT_PARTITION)).toBe(true);
    expect(rels.has(partitionName(later(600)))).toBe(true); // made by ATTACH, holding far-1
    expect(rels.has(partitionName(later(400)))).toBe(true); // made by PARTITION OF
    expect(rels.size).toBeGreaterThan(10);
    for (const r of targets.rows)
      expect([r.rel, r.col, r.target]).toEqual([r.rel, r.col, r.col === 'companyId' ? null : 0]);

    // ANALYZE then keeps the statistics the plans read and none for the wide columns.
    const month = partitionName(later(600));
    await pools[0]!.query(`ANALYZE "${month}"`);
    const stats = await pools[0]!.query<{ col: string }>(
      `SELECT attname AS col FROM pg_stats WHERE tablename = $1 ORDER BY 1`,
      [month],
    );
    const cols = stats.rows.map((r) => r.col);
    expect(cols).toEqual(expect.arrayContaining(['companyId', 'dedupKey', 'fingerprint', 'occurredAt']));
    for (const w of WIDE) expect(cols).not.toContain(w);

    const others = await pools[0]!.query<{ col: string; target: number | null }>(
      `SELECT attrelid::regclass::text || '.' || attname AS col, nullif(coalesce(attstattarget::int, -1), -1) AS target FROM pg_attribute
        WHERE (attrelid = '"AlertState"'::regclass AND attname IN ('labels', 'transitions', 'fingerprint'))
           OR (attrelid = '"RealtimeEvent"'::regclass AND attname IN ('payload', 'mspId')) ORDER BY 1`,
    );
    expect(others.rows).toEqual([
      { col: '"AlertState".fingerprint', target: null },
      { col: '"AlertState".labels', target: 0 },
      { col: '"AlertState".transitions', target: 0 },
      { col: '"RealtimeEvent".mspId', target: null },
      { col: '"RealtimeEvent".payload', target: 0 },
    ]);
  });

  it("the worker's start creates the months ahead, and its sweep drops the empty old ones and schedules the next", async () => {
    const clock = () => later(1200);
    const pool = pools[1]!;
    const queue = new JobQueue({ pool, clock, logger: console });
    const logs: string[] = [];
    const logger = {
      log: (m: string) => logs.push(m),
      warn: (m: string) => logs.push(m),
      error: console.error,
    };
    const deps = { pool, queue, clock, logger };
    await startRetention(deps);
    const end = later(1200);
    expect((await alertPartitions(pool)).at(-1)!.name).toBe(
      partitionName(new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() + 3))),
    );
    registerRetentionWorker(deps);
    expect(await queue.drain([RETENTION_JOB])).toBe(1);
    // Every month that ended 180 days before the clock is gone, but the one holding the two
    // undecided alerts (far-1, theirs-1), which the sweep reports.
    const horizon = later(1200 - 180);
    const held = partitionName(later(600));
    const left = await alertPartitions(pool);
    expect(left.filter((m) => m.to <= horizon).map((m) => m.name)).toEqual([held]);
    expect(logs.some((l) => l.includes('dropped partitions'))).toBe(true);
    expect(logs.some((l) => l.includes(held))).toBe(true);
    const next = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "Job" WHERE name = $1 AND state = 'QUEUED'`,
      [RETENTION_JOB],
    );
    expect(next.rows[0]!.n).toBe(1);
    await queue.stop();
  });
});
