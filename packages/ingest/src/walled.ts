// A transaction walled in by row-level security for the writer's group commit: BEGIN, `aw_ingest_wall` (prisma/migrations/20261129100000_ingest_writer_wall:
// role `aw_tenant`, `aw.ingest_scope` naming the companies and MSPs of the keys that authenticated),
// the caller's statements, COMMIT. Callers pass named statements (node-pg prepares a named statement
// once per connection; PostgreSQL then only binds and executes it), where `aw_ingest_walled` hands its
// statement to EXECUTE and so plans it again on every call: about 1 ms of PostgreSQL CPU for the
// group commit. Four short round trips cost less than that. (The company budget keeps its one
// `aw_ingest_walled` round trip: company-budget.ts says why.) The role and the scope are
// transaction-local (set_config(…, true)), so the connection goes back to the pool unwalled.
import type pg from 'pg';
import { WALL_TRANSACTION_SQL } from './writer-sql.ts';

/** Resolves with f's result only once PostgreSQL has answered the COMMIT. */
export async function inWalledTransaction<T>(
  pool: pg.Pool,
  keyIds: string[],
  f: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let ok = false;
  try {
    await client.query('BEGIN');
    await client.query({
      name: 'aw_ingest_wall',
      text: WALL_TRANSACTION_SQL,
      values: [[...new Set(keyIds)]],
    });
    const out = await f(client);
    await client.query('COMMIT');
    ok = true;
    return out;
  } finally {
    // A connection is reused when its transaction committed or rolled back cleanly, and dropped
    // when even the ROLLBACK failed.
    const broken = ok
      ? false
      : await client.query('ROLLBACK').then(
          () => false,
          () => true,
        );
    client.release(broken);
  }
}
