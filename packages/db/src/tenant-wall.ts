// Row-level security enforced on the app's own Prisma queries (issue 17, the second wall).
//
// `withTenant(scope, fn)` runs `fn` with a tenant: every query that any Prisma client made by
// `createPrismaClient` sends while `fn` runs (awaited or not: the tenant travels in an
// AsyncLocalStorage) runs in a transaction that first switches to the `aw_tenant` role and names
// the tenant, both transaction-local (`set_config(…, true)`), so a pooled connection never carries
// them into the next transaction:
//   - a single query outside a transaction becomes BEGIN; wall; query; COMMIT on one connection;
//   - a Prisma transaction (interactive, batch, or a nested write) gets the wall right after BEGIN.
// The policies of prisma/migrations/*_row_level_security then let the transaction see and write
// only that tenant's rows, whatever filter the query forgot. Outside `withTenant` queries run as the
// connection's own role (the tables' owner): migrations, sign-in, and system jobs that act for every
// company (sweeps). docs/SECURITY.md lists what runs where.
import { AsyncLocalStorage } from 'node:async_hooks';
import type {
  IsolationLevel,
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlQuery,
  SqlResultSet,
  Transaction,
} from '@prisma/driver-adapter-utils';
import type { TTenantScope } from './tenant-scope.ts';

const scopes = new AsyncLocalStorage<TTenantScope>();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Runs `fn` with every Prisma query walled in to `scope` (see the file comment). */
export function withTenant<T>(scope: TTenantScope, fn: () => T): T {
  if (!UUID.test(scope.mspId) || (scope.companyId && !UUID.test(scope.companyId)))
    throw new Error('withTenant: mspId and companyId must be uuids');
  return scopes.run({ mspId: scope.mspId, companyId: scope.companyId ?? null }, fn);
}

/** Runs `fn` on the connection's own role even inside `withTenant` (a cross-tenant lookup by design). */
export function withoutTenant<T>(fn: () => T): T {
  return scopes.exit(fn);
}

/** The tenant the current async context is walled in to, if any. */
export function currentTenant(): TTenantScope | null {
  return scopes.getStore() ?? null;
}

const wallQuery = (s: TTenantScope): SqlQuery => ({
  sql: `SELECT set_config('role', 'aw_tenant', true), set_config('aw.msp_id', $1, true), set_config('aw.company_id', $2, true)`,
  args: [s.mspId, s.companyId ?? ''],
  argTypes: [
    { scalarType: 'string', arity: 'scalar' },
    { scalarType: 'string', arity: 'scalar' },
  ],
});
const plain = (sql: string): SqlQuery => ({ sql, args: [], argTypes: [] });

class TenantWallAdapter implements SqlDriverAdapter {
  readonly provider: SqlDriverAdapter['provider'];
  readonly adapterName: string;
  readonly getConnectionInfo: SqlDriverAdapter['getConnectionInfo'];
  constructor(private inner: SqlDriverAdapter) {
    this.provider = inner.provider;
    this.adapterName = inner.adapterName;
    this.getConnectionInfo = inner.getConnectionInfo?.bind(inner);
  }

  queryRaw(q: SqlQuery): Promise<SqlResultSet> {
    const s = currentTenant();
    return s ? this.once(s, (tx) => tx.queryRaw(q)) : this.inner.queryRaw(q);
  }

  executeRaw(q: SqlQuery): Promise<number> {
    const s = currentTenant();
    return s ? this.once(s, (tx) => tx.executeRaw(q)) : this.inner.executeRaw(q);
  }

  async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    const tx = await this.inner.startTransaction(isolationLevel);
    const s = currentTenant();
    if (s) {
      try {
        await tx.executeRaw(wallQuery(s));
      } catch (e) {
        await tx.executeRaw(plain('ROLLBACK')).catch(() => undefined);
        await tx.rollback();
        throw e;
      }
    }
    return tx;
  }

  /** One statement in its own walled transaction. */
  private async once<T>(s: TTenantScope, fn: (tx: Transaction) => Promise<T>): Promise<T> {
    const tx = await this.inner.startTransaction();
    try {
      await tx.executeRaw(wallQuery(s));
      const out = await fn(tx);
      await tx.executeRaw(plain('COMMIT'));
      await tx.commit();
      return out;
    } catch (e) {
      await tx.executeRaw(plain('ROLLBACK')).catch(() => undefined);
      await tx.rollback();
      throw e;
    }
  }

  executeScript(script: string) {
    return this.inner.executeScript(script);
  }
  dispose() {
    return this.inner.dispose();
  }
}

/** Wraps a driver adapter factory (PrismaPg) so its connections honour `withTenant`. */
export function tenantWalled(
  inner: SqlMigrationAwareDriverAdapterFactory,
): SqlMigrationAwareDriverAdapterFactory {
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => new TenantWallAdapter(await inner.connect()),
    connectToShadowDb: () => inner.connectToShadowDb(),
  };
}

/**
 * Wraps a job-queue handler so it runs walled in to the MSP its job acts for: `mspOf(job)` names it
 * (read outside any wall), and every Prisma query of the handler then runs under that MSP's
 * row-level security, as a staff member's tRPC call does. `mspOf` answering null (the job's row is
 * gone) runs the handler unwalled, where it finds nothing to do. Queries the handler sends through a
 * raw `pg` pool are not walled by this (docs/SECURITY.md lists them).
 */
export function walledJob<J, A extends unknown[], R>(
  mspOf: (job: J) => Promise<string | null | undefined>,
  handler: (job: J, ...rest: A) => Promise<R>,
): (job: J, ...rest: A) => Promise<R> {
  return async (job, ...rest) => {
    const mspId = await withoutTenant(() => mspOf(job));
    return mspId ? withTenant({ mspId }, () => handler(job, ...rest)) : handler(job, ...rest);
  };
}

/** A Prisma model whose rows carry their MSP (`mspId`), looked up by `id`. */
interface MspOwnedModel {
  findUnique(args: { where: { id: string }; select: { mspId: true } }): PromiseLike<{ mspId: string } | null>;
}

/** The MSP of a row (`walledJob`'s usual `mspOf`); null when the row is gone. */
export async function mspOfRow(model: MspOwnedModel, id: string): Promise<string | null> {
  return (await model.findUnique({ where: { id }, select: { mspId: true } }))?.mspId ?? null;
}
