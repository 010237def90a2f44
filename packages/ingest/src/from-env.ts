// An ingestion runtime configured from the one environment schema (`@aw/config`): the composition
// root builds the app's with it, and the standalone intake server (server.ts) its own.
import { loadEnv } from '@aw/config';
import type { AlertSink } from '@aw/core/domain';
import { createPool } from '@aw/db';
import type pg from 'pg';
import { createIngestRuntime, type IngestRuntime } from './handler.ts';

export function ingestRuntimeFromEnv(
  o: { pool?: pg.Pool; sink?: AlertSink; source?: Record<string, string | undefined> } = {},
): IngestRuntime {
  const env = loadEnv(o.source);
  let pool = o.pool;
  if (!pool) {
    if (!env.DATABASE_URL) throw new Error('DATABASE_URL is not set');
    pool = createPool(env.DATABASE_URL);
  }
  return createIngestRuntime({
    pool,
    encryptionKey: env.APP_ENCRYPTION_KEY,
    sink: o.sink,
    bodyLimitBytes: env.WEBHOOK_BODY_LIMIT_BYTES,
    rateLimitPerMinute: env.INGEST_RATE_LIMIT_PER_MINUTE,
    companyAlertsPerMinute: env.INGEST_COMPANY_ALERTS_PER_MINUTE,
    companyAlertsBurst: env.INGEST_COMPANY_ALERTS_BURST,
  });
}
