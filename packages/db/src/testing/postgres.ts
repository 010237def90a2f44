// Real PostgreSQL servers for integration tests: the embedded 17 always, and Debian's 15 (the
// oldest supported) whenever it is installed. In CI (CI=true) a missing 15 is an error, not a skip.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../embedded.ts';
import { deployMigrations } from '../migrate/ops.ts';

// Augments vitest's ProvidedContext (imported so the augmentation resolves in any program).
import type {} from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Set by global-setup.ts: the PostgreSQL servers of this test run. */
    pgTargets: { name: string; templateUrl: string }[];
  }
}

export interface PgTarget {
  /** e.g. "postgres-17-embedded" */
  name: string;
  /** URL of the template database that holds the migrated schema. */
  templateUrl: string;
}

export interface StartedTarget extends PgTarget {
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const TEMPLATE_DB = 'aw_template';

export async function prepareTemplate(adminUrl: string): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${TEMPLATE_DB}`;
  await deployMigrations(url.toString());
  return url.toString();
}

export async function startEmbedded17(
  opts: {
    extraFlags?: string[];
    /** Prepares the template database (default: prepareTemplate, every migration applied). */
    prepare?: (adminUrl: string) => Promise<string>;
  } = {},
): Promise<StartedTarget> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aw-pg17-'));
  chmodSync(dir, 0o755); // the server may run as the `postgres` user (when we are root)
  const port = await freePort();
  const server = await startEmbeddedPostgres({
    dataDir: path.join(dir, 'data'),
    port,
    password: randomBytes(12).toString('hex'),
    database: 'postgres',
    ...(opts.extraFlags ? { extraFlags: opts.extraFlags } : {}),
  }).catch((e: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  });
  let templateUrl: string;
  try {
    templateUrl = await (opts.prepare ?? prepareTemplate)(server.url);
  } catch (e) {
    // A migration that fails to apply must not leave the server running (the test run stops only
    // the targets it got back).
    await server.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    name: 'postgres-17-embedded',
    templateUrl,
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function findPostgres15Bin(): string | null {
  const candidates = [process.env.PG15_BIN, '/usr/lib/postgresql/15/bin'].filter(Boolean) as string[];
  return (
    candidates.find((d) => existsSync(path.join(d, 'initdb')) && existsSync(path.join(d, 'pg_ctl'))) ?? null
  );
}

export function postgresUserIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

export function run(bin: string, args: string[], ids?: { uid: number; gid: number }): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {
      ...ids,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C' },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${bin} exited ${code}: ${out}`)),
    );
  });
}

/**
 * A new cluster in a temporary folder (`prefix`…): initdb with a random password for "postgres",
 * owned by the postgres user when running as root, and a free loopback port for it. Not started.
 */
export async function initCluster(binDir: string, prefix: string) {
  const ids = postgresUserIds();
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  const dataDir = path.join(dir, 'data');
  const password = randomBytes(12).toString('hex');
  const pwfile = path.join(dir, 'pw');
  writeFileSync(pwfile, `${password}\n`);
  if (ids) {
    chownSync(dir, ids.uid, ids.gid);
    chownSync(pwfile, ids.uid, ids.gid);
  }
  const port = await freePort();
  await run(
    path.join(binDir, 'initdb'),
    ['-D', dataDir, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${pwfile}`, '-E', 'UTF8'],
    ids,
  );
  return { ids, dir, dataDir, password, port };
}

/** initdb + pg_ctl a throwaway PostgreSQL 15 cluster on a free loopback port. */
export async function startPostgres15(binDir: string): Promise<StartedTarget> {
  const { ids, dir, dataDir, password, port } = await initCluster(binDir, 'aw-pg15-');
  await run(
    path.join(binDir, 'pg_ctl'),
    [
      '-D',
      dataDir,
      '-l',
      path.join(dir, 'log'),
      '-w',
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200`,
      'start',
    ],
    ids,
  );
  const adminUrl = `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`;
  try {
    const templateUrl = await prepareTemplate(adminUrl);
    return {
      name: 'postgres-15',
      templateUrl,
      async stop() {
        await run(path.join(binDir, 'pg_ctl'), ['-D', dataDir, '-m', 'fast', '-w', 'stop'], ids).catch(
          () => undefined,
        );
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await run(path.join(binDir, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', 'stop'], ids).catch(
      () => undefined,
    );
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/** Starts every target this machine supports. */
export async function startTargets(): Promise<StartedTarget[]> {
  const targets: StartedTarget[] = [await startEmbedded17()];
  try {
    const bin15 = findPostgres15Bin();
    if (bin15) targets.push(await startPostgres15(bin15));
    else if (process.env.CI === 'true')
      throw new Error(
        'CI=true but PostgreSQL 15 is not installed (apt-get install -y postgresql): refusing to skip it.',
      );
    else
      console.warn(
        '[test] PostgreSQL 15 not installed: integration tests run on the embedded PostgreSQL 17 only.',
      );
  } catch (e) {
    // The caller gets no targets to stop: stop what started.
    for (const t of targets) await t.stop().catch(() => undefined);
    throw e;
  }
  return targets;
}

let dbCounter = 0;

/** A fresh database cloned from the migrated template (fast: CREATE DATABASE … TEMPLATE). */
export async function createTestDatabase(target: PgTarget): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `t_${process.pid}_${Date.now().toString(36)}_${dbCounter++}_${randomBytes(3).toString('hex')}`;
  const adminUrl = new URL(target.templateUrl);
  adminUrl.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  // CREATE DATABASE … TEMPLATE fails if another session is connected to the template; retry is
  // not needed because nothing but this helper connects to it after setup.
  await admin.query(`CREATE DATABASE "${name}" TEMPLATE ${TEMPLATE_DB}`);
  await admin.end();
  const url = new URL(target.templateUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl.toString() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}
