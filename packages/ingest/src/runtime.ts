// One ingestion runtime per process for the web app's route handlers (built on first use).
import { loadEnv } from '@aw/config';
import { getPool } from '@aw/db';
import { createIngestRuntime, type IngestRuntime } from './handler.ts';
import type { AlertSink } from './types.ts';

const g = globalThis as unknown as { __awIngest?: IngestRuntime; __awAlertSink?: AlertSink };

/** Correlation registers itself here; until then stored alerts simply wait as PENDING. */
export function setDefaultAlertSink(sink: AlertSink | undefined): void {
  g.__awAlertSink = sink;
}

const delegatingSink: AlertSink = {
  alertsStored: (batch) => g.__awAlertSink?.alertsStored(batch),
};

export function getDefaultIngestRuntime(): IngestRuntime {
  if (!g.__awIngest) {
    const env = loadEnv();
    g.__awIngest = createIngestRuntime({
      pool: getPool(),
      encryptionKey: env.APP_ENCRYPTION_KEY,
      sink: delegatingSink,
      bodyLimitBytes: env.WEBHOOK_BODY_LIMIT_BYTES,
      rateLimitPerMinute: env.INGEST_RATE_LIMIT_PER_MINUTE,
    });
  }
  return g.__awIngest;
}

/** After a key or secret changes in this process: drop cached credentials at once. */
export function forgetCachedCredentials(): void {
  g.__awIngest?.credentials.clear();
}
