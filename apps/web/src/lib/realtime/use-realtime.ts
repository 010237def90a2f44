'use client';

import {
  REALTIME_EVENT_TYPES,
  type PusherWire,
  type RealtimeClientConfig,
  type RealtimeEvent,
  type RealtimeMessage,
} from '@aw/realtime/client';
import { useEffect, useRef, useState } from 'react';

export type RealtimeStatus = 'connecting' | 'live' | 'offline';

export interface UseRealtimeOptions {
  /** Narrow to one company the viewer may see (MSP staff on a company page). */
  companyId?: string;
  enabled?: boolean;
}

/**
 * Live events for the signed-in viewer, the same over both transports. `handler` gets each event,
 * and `{ type: 'reset' }` when events may have been missed (a long disconnect, a Pusher reconnect):
 * refetch then. Events may rarely arrive twice; apply them idempotently (upsert by id).
 */
export function useRealtime(
  handler: (message: RealtimeMessage) => void,
  opts: UseRealtimeOptions = {},
): RealtimeStatus {
  const { companyId, enabled = true } = opts;
  const handlerRef = useRef(handler);
  const [status, setStatus] = useState<RealtimeStatus>('connecting');

  useEffect(() => {
    handlerRef.current = handler;
  });

  useEffect(() => {
    if (!enabled) return;
    let stopped = false;
    let cleanup: () => void = () => undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const deliver = (m: RealtimeMessage) => {
      if (!stopped) handlerRef.current(m);
    };
    const q = companyId ? `?companyId=${encodeURIComponent(companyId)}` : '';

    const start = async (attempt: number) => {
      try {
        const res = await fetch(`/api/realtime/config${q}`, {
          credentials: 'same-origin',
          cache: 'no-store',
        });
        if (!res.ok) throw new Error(`realtime config: ${res.status}`);
        const config = (await res.json()) as RealtimeClientConfig;
        if (stopped) return;
        cleanup =
          config.transport === 'sse'
            ? subscribeSse(config.url, deliver, setStatus, () => schedule(attempt + 1))
            : await subscribePusher(config, deliver, setStatus);
        if (stopped) cleanup();
      } catch {
        if (!stopped) schedule(attempt + 1);
      }
    };
    const schedule = (attempt: number) => {
      if (stopped) return;
      setStatus('offline');
      cleanup();
      cleanup = () => undefined;
      retry = setTimeout(() => void start(attempt), Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5)));
    };

    setStatus('connecting');
    void start(0);
    return () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      cleanup();
    };
  }, [companyId, enabled]);

  return status;
}

function subscribeSse(
  baseUrl: string,
  deliver: (m: RealtimeMessage) => void,
  setStatus: (s: RealtimeStatus) => void,
  onClosed: () => void,
): () => void {
  let lastId: string | null = null;
  let es: EventSource | null = null;
  let closedByUs = false;

  const open = () => {
    // EventSource resends Last-Event-ID itself on its automatic reconnects; a fresh EventSource
    // (after the server refused or ended us) carries the position in the query instead.
    const sep = baseUrl.includes('?') ? '&' : '?';
    const url = lastId ? `${baseUrl}${sep}lastEventId=${encodeURIComponent(lastId)}` : baseUrl;
    const source = new EventSource(url, { withCredentials: true });
    es = source;
    const onEvent = (ev: MessageEvent<string>) => {
      if (ev.lastEventId) lastId = ev.lastEventId;
      try {
        deliver(JSON.parse(ev.data) as RealtimeEvent);
      } catch {
        // a malformed frame is skipped, the stream goes on
      }
    };
    for (const type of REALTIME_EVENT_TYPES) source.addEventListener(type, onEvent as EventListener);
    source.addEventListener('ready', ((ev: MessageEvent<string>) => {
      if (ev.lastEventId) lastId = ev.lastEventId;
      setStatus('live');
    }) as EventListener);
    source.addEventListener('reset', ((ev: MessageEvent<string>) => {
      if (ev.lastEventId) lastId = ev.lastEventId;
      deliver({ type: 'reset', reason: 'missed events' });
    }) as EventListener);
    source.onerror = () => {
      if (closedByUs) return;
      if (source.readyState === EventSource.CLOSED) {
        // Refused (401, 404) or failed for good: back off and start over from the config.
        onClosed();
      } else {
        setStatus('connecting');
      }
    };
  };
  open();
  return () => {
    closedByUs = true;
    es?.close();
  };
}

async function subscribePusher(
  config: Extract<RealtimeClientConfig, { transport: 'pusher' }>,
  deliver: (m: RealtimeMessage) => void,
  setStatus: (s: RealtimeStatus) => void,
): Promise<() => void> {
  const { default: Pusher } = await import('pusher-js');
  const selfHosted = Boolean(config.wsHost);
  const pusher = new Pusher(config.key, {
    cluster: config.cluster,
    forceTLS: config.forceTLS,
    ...(selfHosted
      ? {
          wsHost: config.wsHost,
          ...(config.wsPort ? { wsPort: config.wsPort, wssPort: config.wsPort } : {}),
          enabledTransports: ['ws', 'wss'],
          disableStats: true,
        }
      : {}),
    channelAuthorization: { endpoint: config.authEndpoint, transport: 'ajax' },
  });
  let connectedBefore = false;
  pusher.connection.bind('state_change', (s: { current: string }) => {
    if (s.current === 'connected') {
      setStatus('live');
      // Pusher does not replay what was published while we were away: have the page refetch.
      if (connectedBefore) deliver({ type: 'reset', reason: 'reconnected' });
      connectedBefore = true;
    } else if (s.current === 'connecting') setStatus('connecting');
    else if (s.current === 'unavailable' || s.current === 'failed' || s.current === 'disconnected')
      setStatus('offline');
  });
  const channel = pusher.subscribe(config.channel);
  channel.bind_global((name: string, data: unknown) => {
    if (name.startsWith('pusher:') || name.startsWith('pusher_internal:')) return;
    const wire = data as PusherWire;
    if ('ref' in wire) {
      fetch(`${config.eventUrl}/${encodeURIComponent(wire.ref)}`, { credentials: 'same-origin' })
        .then((r) => (r.ok ? (r.json() as Promise<RealtimeEvent>) : null))
        .then((e) => e && deliver(e))
        .catch(() => deliver({ type: 'reset', reason: 'an event could not be loaded' }));
    } else {
      deliver(wire);
    }
  });
  return () => {
    channel.unbind_global();
    pusher.unsubscribe(config.channel);
    pusher.disconnect();
  };
}
