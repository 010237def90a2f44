// pg helpers for the correlation hot path. Prisma stores DateTime as `timestamp(3)` holding UTC;
// we read those columns as UTC whatever the process time zone, and write ISO strings.
import pg from 'pg';
import { preparedName } from '@aw/db/prepared';

import type { Queryable } from '@aw/db';

export type { Queryable };

const TIMESTAMP = 1114;
const TIMESTAMP_ARRAY = 1115;
const INT8 = 20;

function parseUtc(s: string): Date {
  return new Date(`${s.replace(' ', 'T')}Z`);
}

function parseUtcArray(s: string): Date[] {
  const inner = s.slice(1, -1);
  if (!inner) return [];
  return inner.split(',').map((v) => parseUtc(v.replace(/^"|"$/g, '')));
}

const types = {
  getTypeParser(oid: number, format?: string) {
    if (oid === TIMESTAMP) return parseUtc;
    if (oid === TIMESTAMP_ARRAY) return parseUtcArray;
    if (oid === INT8) return (v: string) => BigInt(v);
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as unknown as pg.CustomTypesConfig;

export async function q<R extends pg.QueryResultRow = Record<string, unknown>>(
  db: Queryable,
  text: string,
  values: unknown[] = [],
): Promise<pg.QueryResult<R>> {
  return db.query<R>({ text, values, types });
}

/**
 * `q` as a named prepared statement: parsed once per connection, and PostgreSQL may keep its plan.
 * The correlation turn sends some 25 statements, most for a handful of rows; parse and plan were
 * about half of the database's CPU per turn. The name is a hash of the text, so a statement whose
 * text is built (a rule prefilter) gets one name per distinct text.
 */
export async function qp<R extends pg.QueryResultRow = Record<string, unknown>>(
  db: Queryable,
  text: string,
  values: unknown[] = [],
): Promise<pg.QueryResult<R>> {
  return db.query<R>({ name: preparedName(text, 'aw_c_'), text, values, types });
}

export const isoOrNull = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export { inTransaction } from '@aw/db';

/**
 * Walls the rest of the transaction in to one company by row-level security (issue 17): the role
 * `aw_tenant` and the tenant setting, both transaction-local (see packages/db/src/tenant-wall.ts).
 * A decision for one company then cannot read or write another's rows, whatever a query forgot.
 */
export async function wallCompany(c: Queryable, mspId: string, companyId: string): Promise<void> {
  await qp(
    c,
    `SELECT set_config('role', 'aw_tenant', true), set_config('aw.msp_id', $1, true), set_config('aw.company_id', $2, true)`,
    [mspId, companyId],
  );
}

/**
 * The largest turn (alerts) that runs its statements on their generic plans (`plan_cache_mode`
 * for the rest of the transaction, set by the turn's batch read, which reads its rules too:
 * apply.ts, batchRead; the batch read itself runs on its generic plan in every turn: openTurn). PostgreSQL's
 * default kept custom plans for most of a turn's statements, and aw_correlation_write's, planned
 * again on every execution at 0.2-0.8 ms a statement: most of a one-alert turn's time in
 * PostgreSQL. Larger turns go back to the default: there planning is a small share, and with generic
 * plans the linker's key write and the fingerprint read of a turn of a few hundred alerts took
 * longer (docs/PERFORMANCE.md, "Generic plans for small turns"). The statements are written so
 * that neither plan depends on the company's figures (fresh-database-plans.integration.test.ts,
 * small-turns.integration.test.ts).
 */
export const GENERIC_TURN_MAX = 64;

/**
 * Opens a company's turn in one round trip: reads its correlation settings, takes the company lock
 * (lockCompany) and walls the rest of the transaction in (wallCompany), in that order (a target
 * list is evaluated left to right, once for the one row). Null when the company does not exist:
 * then nothing was locked or walled. `columns`/`from` are rows.ts's COMPANY_CONFIG_*. It also turns
 * the "IncidentEntityKey" triggers off for the transaction (`aw.entity_keys_kept`): a turn keeps
 * those rows itself, set-based (aw_correlation_write and the situation linker's writes).
 *
 * With `genericPlans` it also puts the statements after it on their generic plans
 * (`plan_cache_mode`), until the turn's batch read (apply.ts, batchRead: the batch and its rules) sets the mode for the
 * rest of the turn from the batch's size (GENERIC_TURN_MAX). The batch read runs before that choice: planned
 * custom on every turn, the batch read of the partitioned "Alert" took about 1 ms a turn, 0.97 of it
 * planning (pg_stat_statements with `track_planning`, at an even 100 alerts/s), and planning it
 * grows with the number of partitions.
 */
export async function openTurn(
  c: Queryable,
  companyId: string,
  columns: string,
  from: string,
  opts: { genericPlans?: boolean } = {},
): Promise<Record<string, unknown> | null> {
  const r = await qp(
    c,
    `SELECT ${columns},
            pg_advisory_xact_lock(hashtextextended('aw-correlation:' || $1::text, 0))::text AS "locked",
            set_config('role', 'aw_tenant', true) AS "wallRole",
            set_config('aw.msp_id', c."mspId"::text, true) AS "wallMsp",
            set_config('aw.company_id', $1::text, true) AS "wallCompany",
            set_config('aw.entity_keys_kept', 'on', true) AS "keysKept"${
              opts.genericPlans
                ? `,
            set_config('plan_cache_mode', 'force_generic_plan', true) AS "planMode"`
                : ''
            }
       FROM ${from} WHERE c.id = $1::uuid`,
    [companyId],
  );
  return r.rows[0] ?? null;
}

/** Serialises correlation of one company across every process (released at commit). */
export async function lockCompany(c: Queryable, companyId: string): Promise<void> {
  await qp(c, `SELECT pg_advisory_xact_lock(hashtextextended('aw-correlation:' || $1, 0))`, [companyId]);
}
