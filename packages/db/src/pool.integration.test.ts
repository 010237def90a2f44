import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPool } from './index.ts';
import { createTestDatabase } from './testing/postgres.ts';

const [target] = inject('pgTargets');

describe('createPool', () => {
  let db: { url: string; drop(): Promise<void> };
  beforeAll(async () => {
    db = await createTestDatabase(target!);
  });
  afterAll(async () => {
    await db.drop();
  });

  it('survives the server terminating an idle connection, and reconnects on next use', async () => {
    const pool = createPool(db.url, { max: 2 });
    const { rows } = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    // No listener of the test's own: without the one createPool installs, the pool's 'error' event
    // would be an uncaught exception and fail this run.
    expect(pool.listenerCount('error')).toBe(1);
    await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
    await new Promise((r) => setTimeout(r, 300));
    const again = await pool.query<{ one: number }>('SELECT 1 AS one');
    expect(again.rows[0]!.one).toBe(1);
    await admin.end();
    await pool.end();
  });
});
