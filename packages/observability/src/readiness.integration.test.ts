// Readiness against real PostgreSQL: a migrated database is ready; an empty one, one missing the
// newest migration, or an unreachable server is not, and the answer says why.
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createPool } from '@aw/db';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MIGRATIONS_DIR } from '@aw/db/paths';
import { createTestDatabase } from '@aw/db/testing';
import { checkReadiness, findMigrationsDir, shippedMigrations } from './readiness.ts';

describe.each(inject('pgTargets'))('readiness on $name', (target) => {
  let db: { url: string; drop(): Promise<void> };
  let pool: pg.Pool;
  beforeAll(async () => {
    db = await createTestDatabase(target);
    pool = createPool(db.url, { max: 2 });
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  it('is ready on a database with every shipped migration applied', async () => {
    const r = await checkReadiness({ db: pool, migrationsDir: MIGRATIONS_DIR });
    expect(r.checks.database.ok).toBe(true);
    expect(r.checks.migrations.missing).toEqual([]);
    expect(r.checks.migrations.expected).toBe(shippedMigrations(MIGRATIONS_DIR).length);
    expect(r.checks.migrations.expected).toBeGreaterThan(5);
    expect(r.ready).toBe(true);
  });

  it('is not ready when the code ships a migration the database lacks', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'aw-ready-'));
    cpSync(MIGRATIONS_DIR, dir, { recursive: true });
    mkdirSync(path.join(dir, '29991231000000_future'));
    writeFileSync(path.join(dir, '29991231000000_future', 'migration.sql'), 'SELECT 1;\n');
    const r = await checkReadiness({ db: pool, migrationsDir: dir });
    expect(r.ready).toBe(false);
    expect(r.checks.database.ok).toBe(true);
    expect(r.checks.migrations.missing).toEqual(['29991231000000_future']);
  });

  it('is not ready on an empty database (reachable, nothing applied)', async () => {
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    const name = `empty_${process.pid}_${Date.now().toString(36)}`;
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    const url = new URL(db.url);
    url.pathname = `/${name}`;
    const empty = new pg.Client({ connectionString: url.toString() });
    // DROP … WITH (FORCE) below may reach the server before this client's goodbye: not a failure.
    empty.on('error', () => undefined);
    await empty.connect();
    try {
      const r = await checkReadiness({ db: empty, migrationsDir: MIGRATIONS_DIR });
      expect(r.ready).toBe(false);
      expect(r.checks.database.ok).toBe(true);
      expect(r.checks.migrations.error).toBe('no migration has been applied');
      expect(r.checks.migrations.missing.length).toBe(shippedMigrations(MIGRATIONS_DIR).length);
    } finally {
      await empty.end();
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      await c.query(`DROP DATABASE "${name}" WITH (FORCE)`);
      await c.end();
    }
  });

  it('is not ready when the database is unreachable', async () => {
    const gone = new pg.Pool({ connectionString: 'postgres://aw:aw@127.0.0.1:1/none', max: 1 });
    try {
      const r = await checkReadiness({ db: gone, migrationsDir: MIGRATIONS_DIR });
      expect(r.ready).toBe(false);
      expect(r.checks.database.ok).toBe(false);
      expect(r.checks.database.error).toMatch(/ECONNREFUSED|connect/);
    } finally {
      await gone.end();
    }
  });
});

describe('findMigrationsDir', () => {
  it('finds prisma/migrations from a nested working directory and null where there is none', () => {
    expect(findMigrationsDir(path.join(MIGRATIONS_DIR, '..', '..', 'apps', 'web'))).toBe(MIGRATIONS_DIR);
    expect(findMigrationsDir(mkdtempSync(path.join(os.tmpdir(), 'aw-none-')))).toBeNull();
  });
});
