import { z } from 'zod';

/** Thrown at startup when the environment is incomplete or invalid: lists every problem at once. */
export class EnvError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid environment:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'EnvError';
  }
}

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

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
  /** Behind a reverse proxy that sets X-Forwarded-For: sign-in throttling counts per client address. */
  TRUST_PROXY: bool.optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
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
});

export type TEnv = z.infer<typeof ZEnv>;

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

/**
 * Parses the environment once at startup. In production the secrets must be set explicitly;
 * elsewhere the launcher fills them from .data/secrets.json before this runs.
 */
export function loadEnv(source: Record<string, string | undefined> = process.env): TEnv {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = ZEnv.safeParse(cleaned);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.')}: ${issue.message}`);
  }
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
