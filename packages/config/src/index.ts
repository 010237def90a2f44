import { z } from 'zod';

/** Thrown at startup when the environment is incomplete or invalid: lists every problem at once. */
export class EnvError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid environment:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'EnvError';
  }
}

/** The one way a boolean is read: true/1/yes or false/0/no (any case); anything else is an error. */
export const ZBool = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true/false, 1/0 or yes/no' }))
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const bool = ZBool;
const port = z.coerce.number().int().min(1).max(65535);

const base64Key32 = z.string().refine((v) => Buffer.from(v, 'base64').length === 32, {
  message: 'must be 32 bytes, base64 encoded (openssl rand -base64 32)',
});

export const ZEnv = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** postgres://… of an external server. Unset: the embedded PostgreSQL 17 is started. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  DATA_DIR: z.string().default('.data'),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  AUTH_SECRET: z.string().min(32, 'must be at least 32 characters (openssl rand -base64 32)').optional(),
  AUTH_URL: z.string().url().optional(),
  APP_ENCRYPTION_KEY: base64Key32.optional(),
  DEMO: bool.optional(),
  /** After the demo stream, a few live demo alerts every N seconds (0: off). */
  DEMO_LIVE_SECONDS: z.coerce.number().int().min(0).max(3600).default(15),
  /**
   * What this process runs (apps/web/src/server/composition.ts): `web` serves pages, tRPC and
   * webhooks; `worker` runs the correlation sweeps and the job queue workers and serves no pages;
   * `all` both (`npm start`).
   */
  PROCESS_ROLE: z.enum(['web', 'worker', 'all']).default('all'),
  /**
   * `npm start` only: run correlation and the job queue in this many worker processes beside the web
   * server (which then serves only; PROCESS_ROLE web and worker). 0: one process does everything.
   */
  START_WORKERS: z.coerce.number().int().min(0).max(16).default(0),
  /**
   * A process of role `all`: correlation runs in a worker thread of its own (its own event loop and
   * pool) instead of on the web server's event loop (apps/web/src/server/correlation-thread.ts).
   */
  CORRELATION_THREAD: bool.optional(),
  /**
   * A company that keeps up starts its next correlation turn no sooner than this many ms after the
   * last one (fewer, larger turns: less CPU per alert, a little more decided lag). Unset: 0
   * in-process, 100 on the correlation thread.
   */
  CORRELATION_TURN_INTERVAL_MS: z.coerce.number().int().min(0).max(10_000).optional(),
  /**
   * While the machine's CPUs are more than 80 % busy, the interval also grows with the company's
   * last turn: no sooner than this many times its duration after it started (larger turns, less
   * CPU per alert, when the machine is saturated). Unset: 0 in-process, 2 on the correlation
   * thread.
   */
  CORRELATION_TURN_INTERVAL_FACTOR: z.coerce.number().min(0).max(20).optional(),
  STOP_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  /** Behind a reverse proxy that sets X-Forwarded-For: sign-in throttling counts per client address. */
  TRUST_PROXY: bool.optional(),
  /** Least severe log line printed by `createLogger` (packages/config/src/logger.ts). */
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** The standalone intake server (`tsx packages/ingest/src/server.ts`, bench/). */
  INGEST_PORT: port.default(3100),
  INGEST_WORKERS: z.coerce.number().int().min(1).max(64).default(1),
  WEBHOOK_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  INGEST_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(6000),
  /**
   * How invitation, sign-up and reset links are mailed: `smtp` (SMTP_URL + MAIL_FROM) or `console`
   * (printed on the server log). Unset: smtp when SMTP_URL is set, else console. Console is refused
   * in production (NODE_ENV=production with an AUTH_URL that is not loopback).
   */
  MAIL_TRANSPORT: z.enum(['smtp', 'console']).optional(),
  /** smtp://user:password@host:587 (STARTTLS when offered) or smtps://user:password@host:465 (TLS). */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^/]+/, 'must look like smtp://user:password@host:587 or smtps://…:465')
    .optional(),
  /** The sender, e.g. "Alert Whisperer <alerts@msp.example>". */
  MAIL_FROM: z.string().min(3).max(320).optional(),
  // Live updates: Pusher Channels when PUSHER_APP_ID, PUSHER_KEY, PUSHER_SECRET are set, else SSE.
  PUSHER_APP_ID: z.string().optional(),
  PUSHER_KEY: z.string().optional(),
  PUSHER_SECRET: z.string().optional(),
  PUSHER_CLUSTER: z.string().optional(),
  PUSHER_HOST: z.string().optional(),
  PUSHER_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  PUSHER_USE_TLS: bool.optional(),
  PUSHER_WS_HOST: z.string().optional(),
  PUSHER_WS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  REALTIME_RETENTION_HOURS: z.coerce.number().positive().default(24),
  REALTIME_HEARTBEAT_SECONDS: z.coerce.number().min(1).default(15),
  // AWS onboarding. Never AWS_*: those belong to the AWS SDK's own credential chain.
  PLATFORM_AWS_ACCOUNT_ID: z
    .string()
    .regex(/^\d{12}$/, 'must be a 12-digit AWS account id')
    .optional(),
  CFN_TEMPLATE_URL: z.string().url().optional(),
  /** The demo's simulated AWS (set by `npm start`); used only for companies marked simulated. */
  FAKE_AWS_ENDPOINT: z.string().url().optional(),
  FAKE_AWS_ACCESS_KEY_ID: z.string().optional(),
  FAKE_AWS_SECRET_ACCESS_KEY: z.string().optional(),
  /** `npm run demo:stream`: the app to send to (default http://localhost:$PORT). */
  DEMO_URL: z.string().url().optional(),
  /** Keep the schema engine's log lines of `npm run db:*` and print them on failure. */
  MIGRATE_DEBUG: bool.optional(),
  /** Slow-sender limits of the web app's HTTP server (apps/web/http-server.mjs): headers, whole request. */
  AW_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).optional(),
  AW_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).optional(),
  /**
   * Per-company alert budget of the intake (security: one company's storm cannot starve another):
   * alerts accepted per minute per company, in bursts up to INGEST_COMPANY_ALERTS_BURST (default a
   * minute's worth); past it, 429 with Retry-After and nothing stored. 0 turns it off.
   */
  INGEST_COMPANY_ALERTS_PER_MINUTE: z.coerce.number().int().min(0).default(30_000),
  INGEST_COMPANY_ALERTS_BURST: z.coerce.number().int().min(1).optional(),
  /** The worker process's own HTTP port: /metrics, /api/health, /api/ready (apps/web/worker.ts). */
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  /** When set, /metrics (web and worker) answers only `Authorization: Bearer <token>`; others get 401. */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters (openssl rand -hex 24)').optional(),
  /**
   * Notification and PSA destinations on private, loopback or link-local addresses (on-prem
   * receivers, loopback test receivers). Off by default: such URLs are refused (SSRF guard).
   */
  NOTIFY_ALLOW_PRIVATE_DESTINATIONS: bool.default(false),
});

/** Old names that still work for one release, with a warning naming the new one. */
export const RENAMED: Record<string, keyof TEnv> = {
  AW_PLATFORM_AWS_ACCOUNT_ID: 'PLATFORM_AWS_ACCOUNT_ID',
  AW_CFN_TEMPLATE_URL: 'CFN_TEMPLATE_URL',
  AW_FAKE_AWS_ENDPOINT: 'FAKE_AWS_ENDPOINT',
  AW_FAKE_AWS_ACCESS_KEY_ID: 'FAKE_AWS_ACCESS_KEY_ID',
  AW_FAKE_AWS_SECRET_ACCESS_KEY: 'FAKE_AWS_SECRET_ACCESS_KEY',
  AW_MIGRATE_DEBUG: 'MIGRATE_DEBUG',
};

export type TEnv = z.infer<typeof ZEnv>;
export type TProcessRole = TEnv['PROCESS_ROLE'];

/** A local run (`npm start` on this machine) serves on loopback; anything else is production. */
function servesLoopbackOnly(authUrl: string | undefined): boolean {
  if (!authUrl) return true;
  const host = new URL(authUrl).hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

export type TMailSettings = { transport: 'console' } | { transport: 'smtp'; url: string; from: string };

/** The mail transport the environment asks for (after loadEnv accepted it). */
export function mailSettings(env: TEnv): TMailSettings {
  const transport = env.MAIL_TRANSPORT ?? (env.SMTP_URL ? 'smtp' : 'console');
  if (transport === 'console') return { transport };
  return { transport, url: env.SMTP_URL!, from: env.MAIL_FROM! };
}

function mailProblems(env: TEnv): string[] {
  const transport = env.MAIL_TRANSPORT ?? (env.SMTP_URL ? 'smtp' : 'console');
  const production = env.NODE_ENV === 'production' && !servesLoopbackOnly(env.AUTH_URL);
  const problems: string[] = [];
  if (transport === 'console' && production) {
    problems.push(
      'MAIL_TRANSPORT: production (AUTH_URL is not loopback) needs MAIL_TRANSPORT=smtp with SMTP_URL and MAIL_FROM; the console transport only prints links on this server',
    );
  }
  if (transport === 'smtp' || production) {
    if (!env.SMTP_URL)
      problems.push('SMTP_URL: required for MAIL_TRANSPORT=smtp (smtp://user:password@host:587)');
    if (!env.MAIL_FROM)
      problems.push(
        'MAIL_FROM: required for MAIL_TRANSPORT=smtp (e.g. "Alert Whisperer <alerts@msp.example>")',
      );
  }
  return problems;
}

const REQUIRED_IN_PRODUCTION = ['AUTH_SECRET', 'APP_ENCRYPTION_KEY', 'AUTH_URL'] as const;

const warned = new Set<string>();

/** Drops empty values and maps deprecated names onto the new ones (the new name wins when both are set). */
function normalize(source: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(source)) if (v !== undefined && v !== '') out[k] = v;
  for (const [old, now] of Object.entries(RENAMED)) {
    if (out[old] === undefined) continue;
    if (!warned.has(old)) {
      warned.add(old);
      console.warn(`[config] ${old} is deprecated and will be removed: set ${now} instead`);
    }
    out[now] ??= out[old];
    delete out[old];
  }
  return out;
}

function problemsOf(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

/**
 * Parses the environment once at startup. In production the secrets must be set explicitly;
 * elsewhere the launcher fills them from .data/secrets.json before this runs.
 */
export function loadEnv(source: Record<string, string | undefined> = process.env): TEnv {
  const parsed = ZEnv.safeParse(normalize(source));
  const problems = parsed.success ? [] : problemsOf(parsed.error);
  const env = parsed.success ? parsed.data : undefined;
  if (env?.NODE_ENV === 'production') {
    for (const key of REQUIRED_IN_PRODUCTION) {
      if (!env[key]) problems.push(`${key}: required when NODE_ENV=production`);
    }
  }
  if (env) problems.push(...mailProblems(env));
  if (problems.length > 0 || !env) throw new EnvError(problems);
  return env;
}

/**
 * The variables one package reads, through the same schema: `{ ok, env }` or `{ ok: false,
 * problems }` (so a caller can add its own cross-field checks to the list).
 */
export function safeReadEnv<K extends keyof TEnv>(
  keys: readonly K[],
  source: Record<string, string | undefined> = process.env,
): { ok: true; env: Pick<TEnv, K> } | { ok: false; problems: string[] } {
  const mask = Object.fromEntries(keys.map((k) => [k, true])) as Partial<Record<keyof TEnv, true>>;
  const parsed = (ZEnv.pick(mask as { NODE_ENV: true }) as z.ZodType).safeParse(normalize(source));
  return parsed.success
    ? { ok: true, env: parsed.data as Pick<TEnv, K> }
    : { ok: false, problems: problemsOf(parsed.error) };
}

/** `safeReadEnv`, throwing an EnvError that lists every problem. */
export function readEnv<K extends keyof TEnv>(
  keys: readonly K[],
  source: Record<string, string | undefined> = process.env,
): Pick<TEnv, K> {
  const r = safeReadEnv(keys, source);
  if (!r.ok) throw new EnvError(r.problems);
  return r.env;
}

export { createLogger, type LogLevel, type Logger } from './logger.ts';
