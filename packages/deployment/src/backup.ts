// PostgreSQL backup and restore as docs/DEPLOYMENT.md tells an operator to run them: a custom-format
// pg_dump (compressed, restorable table by table) and pg_restore into a fresh, empty database. The
// client tools must be at least the server's major version (pg_dump refuses a newer server).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The flags, shared with the documentation (a test keeps the two the same). */
export const DUMP_FLAGS = ['--format=custom', '--no-owner', '--no-privileges'] as const;
export const RESTORE_FLAGS = ['--no-owner', '--no-privileges', '--exit-on-error'] as const;

/** The bin directory of client tools for a server major version, or null when none is installed. */
export function clientBinFor(serverMajor: number, candidates: string[] = debianBins()): string | null {
  return (
    candidates
      .map((dir) => ({ dir, major: Number(/postgresql\/(\d+)\//.exec(dir + '/')?.[1] ?? 0) }))
      .filter((c) => c.major >= serverMajor && existsSync(path.join(c.dir, 'pg_dump')))
      .sort((a, b) => a.major - b.major)[0]?.dir ?? null
  );
}

function debianBins(): string[] {
  return [15, 16, 17, 18].map((v) => `/usr/lib/postgresql/${v}/bin`);
}

export function backupDatabase(o: { url: string; file: string; binDir: string }): void {
  execFileSync(path.join(o.binDir, 'pg_dump'), [...DUMP_FLAGS, `--file=${o.file}`, `--dbname=${o.url}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

export function restoreDatabase(o: { url: string; file: string; binDir: string }): void {
  execFileSync(path.join(o.binDir, 'pg_restore'), [...RESTORE_FLAGS, `--dbname=${o.url}`, o.file], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}
