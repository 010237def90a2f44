// Readiness (GET /api/ready): this process may take traffic when its database answers and every
// migration shipped with the code is applied there. Liveness (/api/health) stays a plain "the
// process answers", so a database outage takes instances out of rotation instead of restarting them.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Queryable } from './database-gauges.ts';

export interface Readiness {
  ready: boolean;
  checks: {
    database: { ok: boolean; error?: string };
    migrations: { ok: boolean; expected: number; applied: number; missing: string[]; error?: string };
  };
}

/** The migration folders shipped with this build (prisma/migrations/<timestamp>_<name>). */
export function shippedMigrations(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort();
}

/**
 * prisma/migrations, looked up from `start` towards the root: the repository when run from a
 * checkout, /app in the container images (which copy prisma/ beside the server).
 */
export function findMigrationsDir(start: string = process.cwd()): string | null {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'prisma', 'migrations');
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return null;
  }
}

export async function checkReadiness(o: {
  db: Queryable;
  migrationsDir: string | null;
  timeoutMs?: number;
}): Promise<Readiness> {
  const timeoutMs = o.timeoutMs ?? 2_000;
  const expected = o.migrationsDir ? shippedMigrations(o.migrationsDir) : [];
  const out: Readiness = {
    ready: false,
    checks: {
      database: { ok: false },
      migrations: { ok: false, expected: expected.length, applied: 0, missing: expected },
    },
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    const rows = await Promise.race([
      o.db.query<{ migration_name: string }>(
        `SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
      ),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`database did not answer within ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
    out.checks.database.ok = true;
    const applied = new Set(rows.rows.map((r) => r.migration_name));
    const missing = expected.filter((m) => !applied.has(m));
    out.checks.migrations = {
      ok: o.migrationsDir !== null && missing.length === 0,
      expected: expected.length,
      applied: applied.size,
      missing,
      ...(o.migrationsDir ? {} : { error: 'prisma/migrations not found next to the server' }),
    };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    // A reachable database without the migrations table is "not migrated", not "down".
    if (/_prisma_migrations/.test(msg) && /does not exist/.test(msg)) {
      out.checks.database.ok = true;
      out.checks.migrations.error = 'no migration has been applied';
    } else out.checks.database.error = msg;
  } finally {
    clearTimeout(timer);
  }
  out.ready = out.checks.database.ok && out.checks.migrations.ok;
  return out;
}
