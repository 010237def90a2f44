// Operator configuration from the environment, overridable by flags (`--site-name=prod` sets
// SITE_NAME). Validated once at start: a bad value stops the process with the field and reason.
import os from 'node:os';
import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const ZConfig = z.object({
  POD_NAMESPACE: z.string().min(1).max(63).default('alert-whisperer'),
  POD_NAME: z.string().min(1).max(253).default(`${os.hostname()}-${process.pid}`),
  SITE_NAME: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/, 'a Kubernetes object name')
    .default('default'),
  CLUSTER_NAME: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'lowercase letters, digits and -')
    .default('cluster'),
  DATA_DIR: z.string().min(1).default('/var/lib/alert-whisperer'),
  QUEUE_MAX_BYTES: int(1024, 2 ** 40).default(256 * 1024 * 1024),
  QUEUE_SEGMENT_BYTES: int(1024, 2 ** 30).default(8 * 1024 * 1024),
  HOST: z.string().default('0.0.0.0'),
  PORT: int(0, 65535).default(8080),
  RECEIVER_TOKEN: z.string().min(16).optional(),
  LEADER_ELECTION: bool.default(true),
  LEASE_NAME: z.string().min(1).default('alert-whisperer-operator'),
  LEASE_DURATION_MS: int(1000, 600_000).default(15_000),
  RENEW_DEADLINE_MS: int(500, 600_000).default(10_000),
  RETRY_PERIOD_MS: int(100, 600_000).default(2_000),
  /** Namespace whose Warning events are watched; empty = all namespaces. */
  EVENTS_NAMESPACE: z.string().max(63).default(''),
  HEARTBEAT_SECONDS: int(1, 3600).default(30),
  FORWARD_BATCH_MAX: int(1, 500).default(200),
  BACKOFF_BASE_MS: int(1, 60_000).default(1000),
  BACKOFF_MAX_MS: int(1, 3_600_000).default(60_000),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  KUBECONFIG: z.string().optional(),
});
export type TConfig = z.infer<typeof ZConfig>;

/** `--site-name=x` / `--site-name x` → SITE_NAME=x. */
export function flagsToEnv(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(argv[i]!);
    if (!m) throw new Error(`unknown argument ${argv[i]}`);
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new Error(`--${m[1]} needs a value`);
    out[m[1]!.toUpperCase().replace(/-/g, '_')] = value;
  }
  return out;
}

export function loadConfig(env: Record<string, string | undefined>, argv: string[] = []): TConfig {
  const merged: Record<string, string | undefined> = {};
  for (const k of Object.keys(ZConfig.shape)) if (env[k] !== undefined && env[k] !== '') merged[k] = env[k];
  Object.assign(merged, flagsToEnv(argv));
  const r = ZConfig.safeParse(merged);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return r.data;
}
