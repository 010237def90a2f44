// The monthly partitions of "Alert" (by "occurredAt", migration 20261129080000_alert_time_partitions):
// the worker creates them ahead, retention (retention.ts) drops the old ones whole.
//   - one partition per UTC month, "Alert_yYYYYmMM" = [first day, first day of the next month);
//   - "Alert_default" holds rows outside every partition; when a month is created, its rows there
//     are moved into it (a partition cannot be created over rows the default holds);
//   - creation runs in one transaction under an advisory lock, so two workers starting at once
//     create each month once, and every new partition gets the tenant policy (aw_enable_tenant_rls),
//     so a walled connection reading it directly is walled as on "Alert".
import { inTransaction } from '@aw/db';
import type pg from 'pg';

/** How many months after the current one exist at any time (the current one too). */
export const PARTITIONS_AHEAD = 3;
/** pg_advisory_xact_lock key of partition maintenance (creation and drops): "AWPART" in hex. */
export const PARTITION_LOCK = 0x415750415254;
export const DEFAULT_PARTITION = 'Alert_default';

export interface TAlertPartition {
  name: string;
  /** Inclusive lower and exclusive upper bound of occurredAt (UTC). */
  from: Date;
  to: Date;
}

const monthStart = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
const addMonths = (d: Date, n: number) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1));

/** "Alert_y2026m11" for any time in November 2026 (UTC). */
export function partitionName(at: Date): string {
  const m = monthStart(at);
  return `Alert_y${m.getUTCFullYear()}m${String(m.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The month partition that holds `at`. */
export function partitionOf(at: Date): TAlertPartition {
  const from = monthStart(at);
  return { name: partitionName(from), from, to: addMonths(from, 1) };
}

const BOUND = /FROM \('([^']+)'\) TO \('([^']+)'\)/;
const asUtc = (s: string) => new Date(`${s.replace(' ', 'T')}Z`);

/** The range partitions of "Alert", oldest first (the default partition is not listed). */
export async function alertPartitions(db: Pick<pg.Pool, 'query'>): Promise<TAlertPartition[]> {
  const r = await db.query<{ name: string; bound: string }>(
    `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = '"Alert"'::regclass`,
  );
  const out: TAlertPartition[] = [];
  for (const row of r.rows) {
    const m = BOUND.exec(row.bound);
    if (m) out.push({ name: row.name, from: asUtc(m[1]!), to: asUtc(m[2]!) });
  }
  return out.sort((a, b) => a.from.getTime() - b.from.getTime());
}

export interface EnsurePartitionsDeps {
  pool: pg.Pool;
  clock?: () => Date;
  /** Months after the current one (default PARTITIONS_AHEAD). */
  ahead?: number;
}

export interface EnsurePartitionsOutcome {
  created: string[];
  /** Rows moved out of the default partition into the months created. */
  moved: number;
}

/**
 * Creates the current month's partition and `ahead` more, and any month missing between the newest
 * existing one and them (a worker that was down for months leaves no gap). Idempotent.
 */
export async function ensureAlertPartitions(deps: EnsurePartitionsDeps): Promise<EnsurePartitionsOutcome> {
  const now = (deps.clock ?? (() => new Date()))();
  const ahead = deps.ahead ?? PARTITIONS_AHEAD;
  const out: EnsurePartitionsOutcome = { created: [], moved: 0 };
  return inTransaction(deps.pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [PARTITION_LOCK]);
    const existing = await alertPartitions(client);
    const last = addMonths(monthStart(now), ahead);
    const newest = existing.at(-1);
    let m = newest && newest.to < monthStart(now) ? newest.to : monthStart(now);
    for (; m <= last; m = addMonths(m, 1)) {
      const p = partitionOf(m);
      if (existing.some((e) => e.from.getTime() === p.from.getTime())) continue;
      out.moved += await createPartition(client, p);
      out.created.push(p.name);
    }
    return out;
  });
}

/** Creates one month; returns the rows moved into it from the default partition. */
async function createPartition(client: pg.PoolClient, p: TAlertPartition): Promise<number> {
  const range = [p.from.toISOString(), p.to.toISOString()];
  const bounds = `FROM ('${range[0]}') TO ('${range[1]}')`;
  // Inserts into the default partition wait until this transaction ends, so nothing of this month
  // can land there between the move and the attach.
  await client.query(`LOCK TABLE "${DEFAULT_PARTITION}" IN EXCLUSIVE MODE`);
  const stray = await client.query(
    `SELECT 1 FROM "${DEFAULT_PARTITION}" WHERE "occurredAt" >= $1::timestamp AND "occurredAt" < $2::timestamp LIMIT 1`,
    range,
  );
  let moved = 0;
  if (stray.rowCount) {
    // Built beside the table, filled from the default partition, then attached: the rows keep their
    // ids and dedup claims (no insert through "Alert", whose dedup trigger would skip them).
    await client.query(`CREATE TABLE "${p.name}" (LIKE "Alert" INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
    const r = await client.query(
      `WITH m AS (DELETE FROM "${DEFAULT_PARTITION}" WHERE "occurredAt" >= $1::timestamp AND "occurredAt" < $2::timestamp
                  RETURNING *)
       INSERT INTO "${p.name}" SELECT * FROM m`,
      range,
    );
    moved = r.rowCount ?? 0;
    await client.query(`ALTER TABLE "Alert" ATTACH PARTITION "${p.name}" FOR VALUES ${bounds}`);
  } else {
    await client.query(`CREATE TABLE "${p.name}" PARTITION OF "Alert" FOR VALUES ${bounds}`);
  }
  await client.query('SELECT aw_enable_tenant_rls($1)', [p.name]);
  // A new partition does not take its parent's per-column statistics targets: no statistics for
  // the wide columns no statement filters on (migration 20261203193000_wide_columns_without_statistics).
  await client.query(`SELECT aw_alert_partition_statistics(format('%I', $1::text)::regclass)`, [p.name]);
  return moved;
}
