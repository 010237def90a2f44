// One process's live-update service, built by the composition root: the transport the settings
// name (Pusher, or SSE over LISTEN/NOTIFY), its event log, and a publisher that never fails the
// request or decision that caused an event.
import type pg from 'pg';
import type { PublishInput, RealtimeEvent } from './events.ts';
import { PgRealtimeHub, type RealtimePublisher } from './hub.ts';
import { EventLog, type Queryable } from './log.ts';
import { PusherPublisher } from './pusher.ts';
import type { RealtimeSettings } from './config.ts';

export interface RealtimeService {
  settings: RealtimeSettings;
  /** The transport's publisher (throws on failure); prefer `publish` below. */
  publisher: RealtimePublisher;
  /** The LISTEN/NOTIFY hub that feeds this process's SSE streams; null under Pusher. */
  hub: PgRealtimeHub | null;
  log: EventLog;
  /**
   * Best effort: a failed publish is logged and resolves to null, so it never fails the webhook,
   * mutation or decision that caused it (dashboards also refetch on reconnect).
   */
  publish(input: PublishInput, opts?: { db?: Queryable }): Promise<RealtimeEvent | null>;
  /** Best effort, like `publish`: several events in order, one statement on the default transport. */
  publishMany(inputs: PublishInput[], opts?: { db?: Queryable }): Promise<RealtimeEvent[]>;
  close(): Promise<void>;
}

export interface RealtimeServiceOptions {
  pool: pg.Pool;
  /** For the hub's dedicated LISTEN connection (opened on the first subscriber, not before). */
  connectionString: string;
  settings: RealtimeSettings;
  onError?: (err: unknown, where: string) => void;
  /** The SSE hub's `onNotified` (hub.ts): each event's publication → this process's LISTEN session. */
  onNotified?: (seconds: number) => void;
  /**
   * Each successful `publish`/`publishMany` call (one statement), with the time from its events'
   * publication (their rows' `createdAt`, the start of the publishing transaction) to its answer:
   * on the default transport, a call without `db` answers after its commit. Must not throw.
   */
  onPublished?: (seconds: number) => void;
}

export function createRealtimeService(o: RealtimeServiceOptions): RealtimeService {
  const onError = o.onError ?? ((err: unknown, where: string) => console.error(`[realtime] ${where}:`, err));
  const { settings } = o;
  let publisher: RealtimePublisher;
  let hub: PgRealtimeHub | null = null;
  let log: EventLog;
  if (settings.transport === 'pusher') {
    log = new EventLog(o.pool);
    publisher = new PusherPublisher(settings.pusher, { log, retentionMs: settings.retentionMs, onError });
  } else {
    hub = new PgRealtimeHub({
      pool: o.pool,
      connectionString: o.connectionString,
      retentionMs: settings.retentionMs,
      onError,
      ...(o.onNotified ? { onNotified: o.onNotified } : {}),
    });
    publisher = hub;
    log = hub.log;
  }
  // One statement stamps all its rows with the same createdAt (its transaction's start).
  const published = (events: RealtimeEvent[]) => {
    if (o.onPublished && events.length)
      o.onPublished(Math.max(0, Date.now() - Date.parse(events[0]!.createdAt)) / 1000);
  };
  return {
    settings,
    publisher,
    hub,
    log,
    async publish(input, opts) {
      try {
        const e = await publisher.publish(input, opts);
        if (e) published([e]);
        return e;
      } catch (e) {
        onError(e, `publish ${input.type}`);
        return null;
      }
    },
    async publishMany(inputs, opts) {
      if (!inputs.length) return [];
      try {
        const events = await publisher.publishMany(inputs, opts);
        published(events);
        return events;
      } catch (e) {
        onError(e, `publish ${inputs.length} events`);
        return [];
      }
    },
    close: () => publisher.close(),
  };
}
