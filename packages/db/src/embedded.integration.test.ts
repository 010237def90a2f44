import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from './embedded.ts';
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
});
