// Resolves the database for a process: DATABASE_URL when set, otherwise the embedded server.
// Either way, pending migrations are applied before the app uses it.
import path from 'node:path';
import { readEnv } from '@aw/config';
import { embeddedUrl, startEmbeddedPostgres } from './embedded.ts';
import { deployMigrations } from './migrate/ops.ts';
import { REPO_ROOT } from './paths.ts';
import { loadOrCreateLocalSecrets } from './secrets.ts';

export interface DatabaseHandle {
  url: string;
  embedded: boolean;
  applied: string[];
  stop(): Promise<void>;
}

export async function ensureDatabase(
  source: Record<string, string | undefined> = process.env,
  opts: { migrate?: boolean; verbose?: boolean } = {},
): Promise<DatabaseHandle> {
  const migrate = opts.migrate ?? true;
  const env = readEnv(['DATABASE_URL', 'DATA_DIR', 'EMBEDDED_PG_PORT'], source);
  if (env.DATABASE_URL) {
    const applied = migrate ? await deployMigrations(env.DATABASE_URL) : [];
    return { url: env.DATABASE_URL, embedded: false, applied, stop: async () => {} };
  }
  const dataDir = path.resolve(REPO_ROOT, env.DATA_DIR);
  const secrets = loadOrCreateLocalSecrets(dataDir);
  const server = await startEmbeddedPostgres({
    dataDir: path.join(dataDir, 'postgres'),
    port: env.EMBEDDED_PG_PORT,
    password: secrets.EMBEDDED_PG_PASSWORD,
    verbose: opts.verbose ?? false,
  });
  try {
    const applied = migrate ? await deployMigrations(server.url) : [];
    return { url: server.url, embedded: true, applied, stop: () => server.stop() };
  } catch (e) {
    await server.stop();
    throw e;
  }
}

/**
 * For a process joining a running `npm start` on this machine (e.g. `npm run worker`): when
 * DATABASE_URL is unset, the embedded server's URL and the local secrets of DATA_DIR. Starts nothing.
 */
export function joinLocalDatabase(
  source: Record<string, string | undefined> = process.env,
): Record<string, string> {
  const env = readEnv(['DATABASE_URL', 'DATA_DIR', 'EMBEDDED_PG_PORT'], source);
  if (env.DATABASE_URL) return {};
  const secrets = loadOrCreateLocalSecrets(path.resolve(REPO_ROOT, env.DATA_DIR));
  return {
    DATABASE_URL: embeddedUrl(env.EMBEDDED_PG_PORT, secrets.EMBEDDED_PG_PASSWORD),
    ...(source.AUTH_SECRET ? {} : { AUTH_SECRET: secrets.AUTH_SECRET }),
    ...(source.APP_ENCRYPTION_KEY ? {} : { APP_ENCRYPTION_KEY: secrets.APP_ENCRYPTION_KEY }),
  };
}
