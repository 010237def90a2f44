// Which transport runs, from the environment: Pusher when PUSHER_APP_ID, PUSHER_KEY and
// PUSHER_SECRET are set, else the built-in SSE transport over PostgreSQL.
import { safeReadEnv } from '@aw/config';
import type { PusherSettings } from './pusher.ts';
import { pusherChannelName, subscriptionChannel, type ViewerScope } from './scope.ts';

export type RealtimeSettings = {
  retentionMs: number;
  heartbeatMs: number;
} & ({ transport: 'sse' } | { transport: 'pusher'; pusher: PusherSettings });

const KEYS = [
  'REALTIME_RETENTION_HOURS',
  'REALTIME_HEARTBEAT_SECONDS',
  'PUSHER_APP_ID',
  'PUSHER_KEY',
  'PUSHER_SECRET',
  'PUSHER_CLUSTER',
  'PUSHER_HOST',
  'PUSHER_PORT',
  'PUSHER_USE_TLS',
  'PUSHER_WS_HOST',
  'PUSHER_WS_PORT',
] as const;

/**
 * Reads the realtime settings through the one schema (`@aw/config`); throws listing every
 * problem at once, the incomplete Pusher set first, then malformed values.
 */
export function realtimeSettingsFromEnv(
  source: Record<string, string | undefined> = process.env,
): RealtimeSettings {
  const parsed = safeReadEnv(KEYS, source);
  const present = (k: (typeof KEYS)[number]) => source[k] !== undefined && source[k] !== '';
  const problems: string[] = [];
  const required = ['PUSHER_APP_ID', 'PUSHER_KEY', 'PUSHER_SECRET'] as const;
  const anyPusher = [...required, 'PUSHER_CLUSTER', 'PUSHER_HOST'].some((k) =>
    present(k as (typeof KEYS)[number]),
  );
  if (anyPusher) {
    for (const k of required)
      if (!present(k)) problems.push(`${k}: required when any PUSHER_* variable is set`);
    if (!present('PUSHER_CLUSTER') && !present('PUSHER_HOST'))
      problems.push('PUSHER_CLUSTER or PUSHER_HOST: one is required');
  }
  if (!parsed.ok) problems.push(...parsed.problems);
  if (problems.length > 0 || !parsed.ok)
    throw new Error(`Invalid realtime configuration:\n  - ${problems.join('\n  - ')}`);
  const env = parsed.env;
  const retentionMs = env.REALTIME_RETENTION_HOURS * 3_600_000;
  const heartbeatMs = env.REALTIME_HEARTBEAT_SECONDS * 1000;
  if (!anyPusher) return { transport: 'sse', retentionMs, heartbeatMs };
  return {
    transport: 'pusher',
    retentionMs,
    heartbeatMs,
    pusher: {
      appId: env.PUSHER_APP_ID!,
      key: env.PUSHER_KEY!,
      secret: env.PUSHER_SECRET!,
      cluster: env.PUSHER_CLUSTER,
      host: env.PUSHER_HOST,
      port: env.PUSHER_PORT,
      useTLS: env.PUSHER_USE_TLS ?? true,
      wsHost: env.PUSHER_WS_HOST,
      wsPort: env.PUSHER_WS_PORT,
    },
  };
}

/** What the browser needs to subscribe (no secrets). */
export type RealtimeClientConfig =
  | { transport: 'sse'; url: string }
  | {
      transport: 'pusher';
      key: string;
      cluster: string;
      wsHost?: string;
      wsPort?: number;
      forceTLS: boolean;
      authEndpoint: string;
      channel: string;
      eventUrl: string;
    };

export function clientConfig(
  s: RealtimeSettings,
  scope: ViewerScope,
  narrowToCompanyId?: string,
  paths = {
    stream: '/api/realtime/stream',
    auth: '/api/realtime/pusher-auth',
    event: '/api/realtime/events',
  },
): RealtimeClientConfig {
  if (s.transport === 'sse') {
    const q = narrowToCompanyId ? `?companyId=${encodeURIComponent(narrowToCompanyId)}` : '';
    return { transport: 'sse', url: `${paths.stream}${q}` };
  }
  const p = s.pusher;
  const wsHost = p.wsHost ?? p.host;
  const wsPort = p.wsPort ?? p.port;
  return {
    transport: 'pusher',
    key: p.key,
    cluster: p.cluster ?? 'mt1',
    ...(wsHost ? { wsHost } : {}),
    ...(wsHost && wsPort ? { wsPort } : {}),
    forceTLS: p.useTLS,
    authEndpoint: paths.auth,
    channel: pusherChannelName(subscriptionChannel(scope, narrowToCompanyId)),
    eventUrl: paths.event,
  };
}
