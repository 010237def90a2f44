import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface LocalSecrets {
  AUTH_SECRET: string;
  APP_ENCRYPTION_KEY: string;
  EMBEDDED_PG_PASSWORD: string;
}

/**
 * Outside production, secrets the operator did not set are generated once and kept in
 * `<dataDir>/secrets.json` (mode 0600), so sessions and encrypted columns survive restarts.
 */
export function loadOrCreateLocalSecrets(dataDir: string): LocalSecrets {
  const file = path.join(dataDir, 'secrets.json');
  let stored: Partial<LocalSecrets> = {};
  if (existsSync(file)) stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<LocalSecrets>;
  const secrets: LocalSecrets = {
    AUTH_SECRET: stored.AUTH_SECRET ?? randomBytes(32).toString('base64'),
    APP_ENCRYPTION_KEY: stored.APP_ENCRYPTION_KEY ?? randomBytes(32).toString('base64'),
    EMBEDDED_PG_PASSWORD: stored.EMBEDDED_PG_PASSWORD ?? randomBytes(18).toString('base64url'),
  };
  if (JSON.stringify(secrets) !== JSON.stringify(stored)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return secrets;
}
