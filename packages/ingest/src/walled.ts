// A transaction walled in by row-level security for the writer's group commit: BEGIN, `aw_ingest_wall` (prisma/migrations/20261129100000_ingest_writer_wall:
// role `aw_tenant`, `aw.ingest_scope` naming the companies and MSPs of the keys that authenticated),
// the caller's statements, COMMIT. Callers pass named statements (node-pg prepares a named statement
// once per connection; PostgreSQL then only binds and executes it), where `aw_ingest_walled` hands its
// statement to EXECUTE and so plans it again on every call: about 1 ms of PostgreSQL CPU for the
// group commit. Four short round trips cost less than that. (The company budget keeps its one
// `aw_ingest_walled` round trip: company-budget.ts says why.) The role and the scope are
// transaction-local (set_config(…, true)), so the connection goes back to the pool unwalled.
import { inTransaction } from '@aw/db';
import type pg from 'pg';
import { WALL_TRANSACTION_SQL } from './writer-sql.ts';

/** Resolves with f's result only once PostgreSQL has answered the COMMIT (inTransaction). */
export async function inWalledTransaction<T>(
  pool: pg.Pool,
  keyIds: string[],
  f: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  return inTransaction(pool, async (client) => {
    await client.query({
      name: 'aw_ingest_wall',
      text: WALL_TRANSACTION_SQL,
      values: [[...new Set(keyIds)]],
    });
    return f(client);
  });
}
