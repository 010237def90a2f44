// Pusher Channels transport, for serverless and edge deployments where no instance can hold a
// LISTEN connection or long-lived SSE streams. The `pusher` server SDK publishes over Pusher's
// signed REST API to Pusher Channels or any Pusher-protocol server (host, port, TLS).
import { randomUUID } from 'node:crypto';
import Pusher from 'pusher';
import type { PublishInput, RealtimeEvent } from './events.ts';
import type { RealtimePublisher } from './hub.ts';
import type { EventLog, Queryable } from './log.ts';
import {
  channelsForEvent,
  mayAccessChannel,
  parsePusherChannelName,
  pusherChannelName,
  type ViewerScope,
} from './scope.ts';

export interface PusherSettings {
  appId: string;
  key: string;
  secret: string;
  /** Pusher Channels cluster (e.g. "eu"); ignored when `host` is set. */
  cluster?: string;
  /** A self-hosted Pusher-protocol server's REST host. */
  host?: string;
  port?: number;
  useTLS: boolean;
  /** What browsers connect to, when it differs from the REST host/port (defaults to them). */
  wsHost?: string;
  wsPort?: number;
}

/** Pusher rejects event data over 10 KB; we send larger events as a reference to fetch. */
export const PUSHER_MAX_DATA_BYTES = 10_000;

/** The message on the wire: the event itself, or a reference to the persisted event. */
export type PusherWire =
  RealtimeEvent | { ref: string; type: string; mspId: string; companyId: string | null };

export function createPusherClient(s: PusherSettings): Pusher {
  const base = { appId: s.appId, key: s.key, secret: s.secret, useTLS: s.useTLS, timeout: 10_000 };
  if (s.host) return new Pusher({ ...base, host: s.host, ...(s.port ? { port: String(s.port) } : {}) });
  return new Pusher({ ...base, cluster: s.cluster ?? 'mt1' });
}

export class PusherPublisher implements RealtimePublisher {
  readonly transport = 'pusher' as const;
  readonly client: Pusher;
  private lastPrune = 0;

  constructor(
    readonly settings: PusherSettings,
    private readonly opts: {
      /** Where events too large for Pusher are stored for the browser to fetch by id. */
      log: Pick<EventLog, 'append' | 'prune'>;
      maxDataBytes?: number;
      retentionMs?: number;
      pruneEveryMs?: number;
      onError?: (err: unknown, where: string) => void;
    },
  ) {
    this.client = createPusherClient(settings);
  }

  async publish(input: PublishInput, o: { db?: Queryable } = {}): Promise<RealtimeEvent> {
    const channels = channelsForEvent(input).map(pusherChannelName);
    let event: RealtimeEvent = {
      ...input,
      id: randomUUID(),
      createdAt: new Date().toISOString(),
    } as RealtimeEvent;
    let wire: PusherWire = event;
    if (Buffer.byteLength(JSON.stringify(wire)) > (this.opts.maxDataBytes ?? PUSHER_MAX_DATA_BYTES)) {
      event = await this.opts.log.append(input, { notify: false, db: o.db });
      wire = { ref: event.id, type: event.type, mspId: event.mspId, companyId: event.companyId };
      this.maybePrune();
    }
    await this.client.trigger(channels, input.type, wire);
    return event;
  }

  /** One trigger per event, in order (Pusher's batch API takes no multi-channel events). */
  async publishMany(inputs: PublishInput[], o: { db?: Queryable } = {}): Promise<RealtimeEvent[]> {
    const out: RealtimeEvent[] = [];
    for (const input of inputs) out.push(await this.publish(input, o));
    return out;
  }

  private maybePrune() {
    const every = this.opts.pruneEveryMs ?? 10 * 60_000;
    if (Date.now() - this.lastPrune < every) return;
    this.lastPrune = Date.now();
    this.opts.log
      .prune(this.opts.retentionMs ?? 24 * 3_600_000)
      .catch((e) => this.opts.onError?.(e, 'prune'));
  }

  async close(): Promise<void> {}
}

const SOCKET_ID = /^\d+\.\d+$/;

/**
 * Answers pusher-js's channel authorization request: `{ auth: "<key>:<hmac-sha256 hex of
 * "<socket_id>:<channel>">" }` when the viewer's scope may see the channel, else null (403).
 */
export async function authorizePusherChannel(opts: {
  client: Pusher;
  scope: ViewerScope;
  socketId: string;
  channelName: string;
  companyMspId: (companyId: string) => Promise<string | null>;
}): Promise<{ auth: string } | null> {
  if (!SOCKET_ID.test(opts.socketId)) return null;
  const channel = parsePusherChannelName(opts.channelName);
  if (!channel) return null;
  if (!(await mayAccessChannel(opts.scope, channel, opts.companyMspId))) return null;
  const { auth } = opts.client.authorizeChannel(opts.socketId, opts.channelName);
  return { auth };
}
