// Which transport runs, from the environment: Pusher when PUSHER_APP_ID, PUSHER_KEY and
// PUSHER_SECRET are set, else the built-in SSE transport over PostgreSQL.
import type { PusherSettings } from './pusher.ts';
import { pusherChannelName, subscriptionChannel, type ViewerScope } from './scope.ts';

export type RealtimeSettings = {
  retentionMs: number;
  heartbeatMs: number;
} & ({ transport: 'sse' } | { transport: 'pusher'; pusher: PusherSettings });

function truthy(v: string | undefined, dflt: boolean): boolean {
  if (v === undefined || v === '') return dflt;
  return ['true', '1', 'yes'].includes(v.toLowerCase());
}

/** Reads the realtime settings; throws listing every problem when the Pusher set is incomplete. */
export function realtimeSettingsFromEnv(
  env: Record<string, string | undefined> = process.env,
): RealtimeSettings {
  const retentionMs = Number(env.REALTIME_RETENTION_HOURS || 24) * 3_600_000;
  const heartbeatMs = Number(env.REALTIME_HEARTBEAT_SECONDS || 15) * 1000;
  const problems: string[] = [];
  if (!(retentionMs > 0)) problems.push('REALTIME_RETENTION_HOURS: must be a positive number');
  if (!(heartbeatMs >= 1000)) problems.push('REALTIME_HEARTBEAT_SECONDS: must be at least 1');
  const keys = ['PUSHER_APP_ID', 'PUSHER_KEY', 'PUSHER_SECRET'] as const;
  const set = keys.filter((k) => env[k]);
  const anyPusher = set.length > 0 || ['PUSHER_CLUSTER', 'PUSHER_HOST'].some((k) => env[k]);
  if (anyPusher) {
    for (const k of keys) if (!env[k]) problems.push(`${k}: required when any PUSHER_* variable is set`);
    if (!env.PUSHER_CLUSTER && !env.PUSHER_HOST)
      problems.push('PUSHER_CLUSTER or PUSHER_HOST: one is required');
  }
  const port = env.PUSHER_PORT ? Number(env.PUSHER_PORT) : undefined;
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536))
    problems.push('PUSHER_PORT: must be a port number');
  const wsPort = env.PUSHER_WS_PORT ? Number(env.PUSHER_WS_PORT) : undefined;
  if (wsPort !== undefined && !(Number.isInteger(wsPort) && wsPort > 0 && wsPort < 65536))
    problems.push('PUSHER_WS_PORT: must be a port number');
  if (problems.length > 0) throw new Error(`Invalid realtime configuration:\n  - ${problems.join('\n  - ')}`);
  if (!anyPusher) return { transport: 'sse', retentionMs, heartbeatMs };
  return {
    transport: 'pusher',
    retentionMs,
    heartbeatMs,
    pusher: {
      appId: env.PUSHER_APP_ID!,
      key: env.PUSHER_KEY!,
      secret: env.PUSHER_SECRET!,
      cluster: env.PUSHER_CLUSTER || undefined,
      host: env.PUSHER_HOST || undefined,
      port,
      useTLS: truthy(env.PUSHER_USE_TLS, true),
      wsHost: env.PUSHER_WS_HOST || undefined,
      wsPort,
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
