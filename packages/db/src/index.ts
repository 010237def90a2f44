import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from './generated/prisma/client.ts';
import { tenantWalled } from './tenant-wall.ts';

export * from './generated/prisma/client.ts';
export { withTenant, withoutTenant, currentTenant, walledJob, mspOfRow } from './tenant-wall.ts';
export { ensureDatabase, joinLocalDatabase, type DatabaseHandle } from './launcher.ts';

export type Db = PrismaClient;

/** Where raw SQL runs: a pg Pool, Client or PoolClient (pass a transaction's client to run inside it). */
export type Queryable = pg.Pool | pg.PoolClient | pg.Client;

/**
 * A Prisma client over @prisma/adapter-pg: the one data layer for embedded, test and production.
 * Inside `withTenant(scope, fn)` its queries run walled in by row-level security (tenant-wall.ts).
 */
export function createPrismaClient(url: string, opts: { max?: number } = {}): PrismaClient {
  const adapter = tenantWalled(new PrismaPg({ connectionString: url, max: opts.max ?? 10 }));
  return new PrismaClient({ adapter });
}

/** A plain pg pool for the few set-based hot paths (ingestion, correlation) Prisma cannot express. */
export function createPool(url: string, opts: { max?: number; applicationName?: string } = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    ...(opts.applicationName ? { application_name: opts.applicationName } : {}),
  });
  // An idle client the server disconnects (restart, shutdown, failover) emits 'error' on the pool;
  // without a listener that would crash the process. The pool replaces the client on next use.
  pool.on('error', (err) => console.error(`[db] idle connection lost: ${err.message}`));
  // A connection checked out of the pool (a transaction between two statements) whose server goes
  // away (PostgreSQL killed or restarted) emits 'error' on the client itself, where the pool's idle
  // listener is not attached: without this listener the process would crash. The statement in
  // flight fails on its own, and the pool drops the broken client when it is released.
  pool.on('connect', (client) =>
    client.on('error', (err) => console.error(`[db] connection lost: ${err.message}`)),
  );
  return pool;
}

/**
 * Runs `fn` in a transaction on one pooled connection (rolled back when `fn` throws); resolves only
 * once PostgreSQL has answered the COMMIT. The connection goes back to the pool when its
 * transaction committed or rolled back cleanly, and is dropped when even the ROLLBACK failed.
 */
export async function inTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  let broken = false;
  try {
    await c.query('BEGIN');
    const out = await fn(c);
    await c.query('COMMIT');
    return out;
  } catch (e) {
    broken = await c.query('ROLLBACK').then(
      () => false,
      () => true,
    );
    throw e;
  } finally {
    c.release(broken);
  }
}
