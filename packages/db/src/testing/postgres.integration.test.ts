// The test servers' own harness: a server it starts is stopped again when starting fails halfway,
// since the test run stops only the targets it got back (global-setup.ts).
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startEmbedded17 } from './postgres.ts';

const ours = () => new Set(readdirSync(os.tmpdir()).filter((d) => d.startsWith('aw-pg17-')));

describe('startEmbedded17', () => {
  it('stops the server it started and removes its folder when the template cannot be prepared', async () => {
    const before = ours();
    let adminUrl = '';
    let folder = '';
    await expect(
      startEmbedded17({
        prepare: async (url) => {
          adminUrl = url;
          // The server is up and ours at this point: its folder is the one new since `before`
          // (other test files may start servers meanwhile, so it is the one this server reports).
          const c = new pg.Client({ connectionString: url });
          await c.connect();
          const { rows } = await c.query<{ d: string }>(`SELECT current_setting('data_directory') AS d`);
          await c.end();
          folder = path.dirname(rows[0]!.d);
          throw new Error('a migration failed to apply');
        },
      }),
    ).rejects.toThrow('a migration failed to apply');
    expect(adminUrl).not.toBe('');
    expect(before.has(path.basename(folder))).toBe(false);
    // Nothing answers on its port any more, and its folder is gone.
    const c = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
    await expect(c.connect()).rejects.toThrow(/ECONNREFUSED|connect/);
    expect(existsSync(folder)).toBe(false);
  }, 120_000);
});
