// The tenant a transaction acts for, for PostgreSQL row-level security (the second wall, see
// prisma/migrations/*_row_level_security and docs/SECURITY.md). The setting is transaction-local
// (`set_config(…, true)`), so a pooled connection never carries it into the next transaction.
// `asRole: 'aw_tenant'` walls the transaction in even on a connection whose role owns the tables
// (the app's normal role, which RLS does not bind); a connection that logs in as a role granted
// `aw_tenant` (and not owning the tables) is walled in without it.
import type pg from 'pg';

export interface TTenantScope {
  mspId: string;
  /** A client user's company; null or absent: the whole MSP. */
  companyId?: string | null;
}

export async function withTenantScope<T>(
  db: pg.Pool | pg.PoolClient,
  scope: TTenantScope | null,
  fn: (client: pg.PoolClient) => Promise<T>,
  opts: { asRole?: 'aw_tenant' } = {},
): Promise<T> {
  const pooled = 'release' in db ? null : await (db as pg.Pool).connect();
  const client = pooled ?? (db as pg.PoolClient);
  try {
    await client.query('BEGIN');
    try {
      if (opts.asRole) await client.query(`SET LOCAL ROLE ${opts.asRole}`);
      if (scope)
        await client.query(
          `SELECT set_config('aw.msp_id', $1, true), set_config('aw.company_id', $2, true)`,
          [scope.mspId, scope.companyId ?? ''],
        );
      const out = await fn(client);
      await client.query('COMMIT');
      return out;
    } catch (e) {
      await client.query('ROLLBACK');
      throw e;
    }
  } finally {
    pooled?.release();
  }
}
