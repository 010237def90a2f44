// pg with Prisma's `timestamp(3)` columns read as UTC whatever the process time zone.
import pg from 'pg';
import { preparedName } from '@aw/db/prepared';

export type Queryable = pg.Pool | pg.PoolClient | pg.Client;

const TIMESTAMP = 1114;
const INT8 = 20;

const types = {
  getTypeParser(oid: number, format?: string) {
    if (oid === TIMESTAMP) return (s: string) => new Date(`${s.replace(' ', 'T')}Z`);
    if (oid === INT8) return (v: string) => v;
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as unknown as pg.CustomTypesConfig;

export function q<R extends pg.QueryResultRow = Record<string, unknown>>(
  db: Queryable,
  text: string,
  values: unknown[] = [],
): Promise<pg.QueryResult<R>> {
  return db.query<R>({ text, values, types });
}

/**
 * `q` as a named prepared statement (`@aw/db/prepared`): parsed once per connection, and
 * PostgreSQL may keep its plan. For statements a hot path sends on every call.
 */
export function qn<R extends pg.QueryResultRow = Record<string, unknown>>(
  db: Queryable,
  text: string,
  values: unknown[] = [],
): Promise<pg.QueryResult<R>> {
  return db.query<R>({ name: preparedName(text), text, values, types });
}

/** A Date as the UTC timestamp Prisma stores. */
export const ts = (d: Date) => d.toISOString();
