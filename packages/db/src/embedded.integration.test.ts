import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { EMBEDDED_SOCKET_DIR, startEmbeddedPostgres } from './embedded.ts';
import { freePort } from './testing/postgres.ts';

describe('embedded PostgreSQL', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aw-embedded-'));
  chmodSync(dir, 0o755);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps data across a stop and a restart of the same data folder', async () => {
    const password = randomBytes(8).toString('hex');
    const port = await freePort();
    const first = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port, password });
    const c1 = new pg.Client({ connectionString: first.url });
    await c1.connect();
    const version = await c1.query<{ server_version: string }>('SHOW server_version');
    expect(version.rows[0]!.server_version).toMatch(/^17\./);
    await c1.query('CREATE TABLE kept (v text)');
    await c1.query("INSERT INTO kept VALUES ('survives')");
    await c1.end();
    await first.stop();

    const second = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port, password });
    const c2 = new pg.Client({ connectionString: second.url });
    await c2.connect();
    const rows = await c2.query('SELECT v FROM kept');
    expect(rows.rows).toEqual([{ v: 'survives' }]);
    // loopback only
    const listen = await c2.query<{ listen_addresses: string }>('SHOW listen_addresses');
    expect(listen.rows[0]!.listen_addresses).toBe('127.0.0.1');
    await c2.end();
    await second.stop();
  });

  it("gives the app a URL through its Unix socket, which still requires the server's password", async () => {
    const password = randomBytes(8).toString('hex');
    const port = await freePort();
    const server = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg-socket'), port, password });
    try {
      expect(new URL(server.url).searchParams.get('host')).toBe(EMBEDDED_SOCKET_DIR);
      const c = new pg.Client({ connectionString: server.url });
      await c.connect();
      // No server address: the session came through the Unix socket, not TCP.
      const r = await c.query<{ addr: string | null }>('SELECT inet_server_addr()::text AS addr');
      expect(r.rows[0]!.addr).toBeNull();
      await c.end();
      // The socket is open to every local user (mode 0777, like 127.0.0.1): the password guards it.
      const wrong = new URL(server.url);
      wrong.password = 'not-the-password';
      const intruder = new pg.Client({ connectionString: wrong.toString() });
      await expect(intruder.connect()).rejects.toThrow(/password authentication failed/);
      await intruder.end().catch(() => undefined);
      // TCP on loopback still answers (psql, tools that take host and port).
      const tcp = new pg.Client({
        host: '127.0.0.1',
        port,
        user: 'postgres',
        password,
        database: 'alert_whisperer',
      });
      await tcp.connect();
      expect(
        (await tcp.query<{ addr: string }>('SELECT inet_server_addr()::text AS addr')).rows[0]!.addr,
      ).toMatch(/^127\.0\.0\.1/);
      await tcp.end();
    } finally {
      await server.stop();
    }
  });

  it('analyzes a table that grew from empty within seconds, without anyone running ANALYZE', async () => {
    // The correlation turn's keyed writes and reads pick their plans from the planner's statistics;
    // a table that has none (a fresh install, the first minute of a storm) gets the default
    // selectivity, and the turn then read every incident of the MSP per statement (docs/PERFORMANCE.md).
    // The embedded server checks for tables to analyze every 10 s instead of every minute.
    const port = await freePort();
    const server = await startEmbeddedPostgres({
      dataDir: path.join(dir, 'pg-analyze'),
      port,
      password: randomBytes(8).toString('hex'),
    });
    const c = new pg.Client({ connectionString: server.url });
    await c.connect();
    try {
      expect(
        (
          await c.query<{ v: string }>('SELECT setting AS v FROM pg_settings WHERE name = $1', [
            'autovacuum_naptime',
          ])
        ).rows[0]!.v,
      ).toBe('10');
      await c.query('CREATE TABLE grows (id int PRIMARY KEY, owner int NOT NULL)');
      await c.query('INSERT INTO grows SELECT g, g % 3 FROM generate_series(1, 5000) g');
      const started = Date.now();
      let analyzed = false;
      while (!analyzed && Date.now() - started < 45_000) {
        await new Promise((r) => setTimeout(r, 500));
        const r = await c.query<{ n: string }>(
          `SELECT count(*)::text AS n FROM pg_stats WHERE tablename = 'grows' AND attname = 'owner'`,
        );
        analyzed = r.rows[0]!.n === '1';
      }
      expect(analyzed).toBe(true);
      // With statistics the planner knows `owner` has three values: a third of the table, not 0.5 %.
      const plan = await c.query<{ 'QUERY PLAN': string }>('EXPLAIN SELECT * FROM grows WHERE owner = 1');
      const rows = Number(/rows=(\d+)/.exec(plan.rows[0]!['QUERY PLAN'])![1]);
      expect(rows).toBeGreaterThan(1000);
    } finally {
      await c.end();
      await server.stop();
    }
  }, 90_000);
});
