import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { MIGRATIONS_DIR, SCHEMA_PATH } from '../paths.ts';
import { NO_FILTER, openEngine, readMigrations } from './engine.ts';

export interface MigrateOptions {
  schemaPath?: string;
  migrationsDir?: string;
}

async function withEngine<T>(
  url: string,
  opts: MigrateOptions,
  fn: (h: Awaited<ReturnType<typeof openEngine>>, schema: string) => Promise<T>,
): Promise<T> {
  const schemaPath = opts.schemaPath ?? SCHEMA_PATH;
  const schema = await readFile(schemaPath, 'utf8');
  const handle = await openEngine(url, schema, schemaPath);
  try {
    return await fn(handle, schema);
  } finally {
    await handle.close();
  }
}

/** Applies every pending migration and records it in `_prisma_migrations` (what `prisma migrate deploy` does). */
export async function deployMigrations(url: string, opts: MigrateOptions = {}): Promise<string[]> {
  const list = await readMigrations(opts.migrationsDir ?? MIGRATIONS_DIR);
  return withEngine(url, opts, async ({ engine }) => {
    const out = await engine.applyMigrations({ migrationsList: list, filters: NO_FILTER });
    return out.appliedMigrationNames;
  });
}

export interface MigrationStatus {
  applied: string[];
  pending: string[];
  failed: string[];
  edited: string[];
}

export async function migrationStatus(url: string, opts: MigrateOptions = {}): Promise<MigrationStatus> {
  const list = await readMigrations(opts.migrationsDir ?? MIGRATIONS_DIR);
  const diag = await withEngine(url, opts, ({ engine }) =>
    engine.diagnoseMigrationHistory({
      migrationsList: list,
      optInToShadowDatabase: false,
      filters: NO_FILTER,
    }),
  );
  const applied: string[] = [];
  if (diag.hasMigrationsTable) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const res = await client.query<{ migration_name: string }>(
        `SELECT migration_name FROM _prisma_migrations
          WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name`,
      );
      applied.push(...res.rows.map((r) => r.migration_name));
    } finally {
      await client.end();
    }
  }
  const onDisk = list.migrationDirectories.map((d) => d.path);
  return {
    applied,
    pending: onDisk.filter((m) => !applied.includes(m)),
    failed: diag.failedMigrationNames,
    edited: diag.editedMigrationNames,
  };
}

/** Drops everything in the database's schema, then re-applies all migrations. */
export async function resetDatabase(url: string, opts: MigrateOptions = {}): Promise<string[]> {
  await withEngine(url, opts, ({ engine }) => engine.reset({ filter: NO_FILTER }));
  return deployMigrations(url, opts);
}

function timestamp(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

/**
 * Creates `prisma/migrations/<timestamp>_<name>/migration.sql` for the difference between the
 * existing migration history and schema.prisma. The history is replayed on a scratch database of
 * the same server (the role of Prisma's shadow database), which is dropped afterwards.
 * Returns the new directory name, or null when the schema has no changes.
 */
export async function createMigration(
  url: string,
  name: string,
  opts: MigrateOptions = {},
): Promise<string | null> {
  if (!/^[a-z0-9_]+$/i.test(name)) throw new Error('migration name: use letters, digits and underscores');
  const migrationsDir = opts.migrationsDir ?? MIGRATIONS_DIR;
  const scratch = `aw_shadow_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${scratch}"`);
  try {
    const scratchUrl = new URL(url);
    scratchUrl.pathname = `/${scratch}`;
    const list = await readMigrations(migrationsDir);
    const sql = await withEngine(scratchUrl.toString(), opts, async ({ engine }, schema) => {
      await engine.applyMigrations({ migrationsList: list, filters: NO_FILTER });
      const schemaPath = opts.schemaPath ?? SCHEMA_PATH;
      const files = [{ path: schemaPath, content: schema }];
      const diff = await engine.diff({
        from: { tag: 'schemaDatasource', files, configDir: path.dirname(schemaPath) },
        to: { tag: 'schemaDatamodel', files },
        script: true,
        exitCode: null,
        filters: NO_FILTER,
      });
      return diff.stdout ?? '';
    });
    if (!sql.trim() || /^-- This is an empty migration\.?\s*$/.test(sql.trim())) return null;
    const dirName = `${timestamp()}_${name}`;
    await mkdir(path.join(migrationsDir, dirName), { recursive: true });
    await writeFile(path.join(migrationsDir, dirName, 'migration.sql'), sql);
    await writeFile(
      path.join(migrationsDir, 'migration_lock.toml'),
      '# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "postgresql"\n',
    );
    return dirName;
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${scratch}" WITH (FORCE)`).catch(async () => {
      await admin.query(`DROP DATABASE IF EXISTS "${scratch}"`);
    });
    await admin.end();
  }
}
