// The default transport's server side: publish = one INSERT … pg_notify statement; each app
// instance holds one LISTEN connection and fans every notified event out to its local subscribers
// (the SSE connections it serves). Two instances behind a load balancer both deliver every event.
// A NOTIFY carries the event itself unless it is too large, then only its id, and the instance
// reads that row (log.ts).
import pg from 'pg';
import type { PublishInput, RealtimeEvent, RealtimeMessage } from './events.ts';
import { DEFAULT_NOTIFY_CHANNEL, EventLog, parseNotifiedEvent, type Queryable } from './log.ts';

export interface RealtimePublisher {
  readonly transport: 'sse' | 'pusher';
  /**
   * Publishes on the event's company channel (if any) and its MSP channel. Pass `db` (a pg client
   * inside your transaction) to make the event part of it: it is then seen only if you commit.
   */
  publish(input: PublishInput, opts?: { db?: Queryable }): Promise<RealtimeEvent | null>;
  /** Publishes several events in order, in one statement where the transport allows. */
  publishMany(inputs: PublishInput[], opts?: { db?: Queryable }): Promise<RealtimeEvent[]>;
  close(): Promise<void>;
}

/** What an SSE connection needs from its instance: live events and the log for resume. */
export interface RealtimeSource {
  readonly log: EventLog;
  subscribe(listener: (m: RealtimeMessage) => void): () => void;
  /** Resolves once live events flow (the LISTEN is established). */
  ready(): Promise<void>;
}

export interface HubOptions {
  /** Pool for inserts and reads. */
  pool: pg.Pool;
  /** Connection string for the dedicated LISTEN connection. */
  connectionString: string;
  notifyChannel?: string;
  /** Events older than this are pruned (default 24 h). */
  retentionMs?: number;
  /** How often this instance prunes (default 10 min; 0 disables). */
  pruneEveryMs?: number;
  /** At most this many events are caught up after the LISTEN connection was lost (default 1000). */
  maxCatchUp?: number;
  onError?: (err: unknown, where: string) => void;
  /**
   * Each event the hub is about to fan out to this process's streams (notified, or read after a
   * reconnection), with how long after its publication it got there: from its row's `createdAt`
   * (the start of the publishing transaction) through that transaction's commit and the NOTIFY's
   * trip to this process's LISTEN session. Must not throw.
   */
  onNotified?: (seconds: number) => void;
}

/** `application_name` of every hub's LISTEN session. */
export const LISTEN_APPLICATION_NAME = 'aw-realtime-listen';

export class PgRealtimeHub implements RealtimePublisher, RealtimeSource {
  readonly transport = 'sse' as const;
  readonly log: EventLog;
  private readonly subscribers = new Set<(m: RealtimeMessage) => void>();
  private readonly channel: string;
  private listener: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  /** Notified this tick: events carried in their NOTIFY, and ids of events to read. */
  private pending: { carried: RealtimeEvent[]; ids: string[] } = { carried: [], ids: [] };
  private flushScheduled = false;
  private fanout: Promise<void> = Promise.resolve();
  /** Highest event id this instance fanned out: where to catch up from after a reconnect. */
  private lastSeenId: bigint | null = null;
  private reconnectDelay = 250;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private pruneTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly opts: HubOptions) {
    this.channel = opts.notifyChannel ?? DEFAULT_NOTIFY_CHANNEL;
    if (!/^[a-z_][a-z0-9_]*$/.test(this.channel))
      throw new Error('notify channel must be a plain identifier');
    this.log = new EventLog(opts.pool, this.channel);
    const every = opts.pruneEveryMs ?? 10 * 60_000;
    if (every > 0) {
      this.pruneTimer = setInterval(() => void this.prune(), every);
      this.pruneTimer.unref();
    }
  }

  async publish(input: PublishInput, opts: { db?: Queryable } = {}): Promise<RealtimeEvent> {
    return this.log.append(input, { notify: true, db: opts.db });
  }

  async publishMany(inputs: PublishInput[], opts: { db?: Queryable } = {}): Promise<RealtimeEvent[]> {
    return this.log.appendMany(inputs, { notify: true, db: opts.db });
  }

  async prune(): Promise<number> {
    try {
      return await this.log.prune(this.opts.retentionMs ?? 24 * 3_600_000);
    } catch (e) {
      this.opts.onError?.(e, 'prune');
      return 0;
    }
  }

  subscribe(listener: (m: RealtimeMessage) => void): () => void {
    this.subscribers.add(listener);
    void this.ready().catch(() => undefined);
    return () => this.subscribers.delete(listener);
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  ready(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('realtime hub closed'));
    if (this.listener) return Promise.resolve();
    this.connecting ??= this.connect().finally(() => (this.connecting = null));
    return this.connecting;
  }

  private async connect(): Promise<void> {
    // Named, so that operators (and tests) can tell the LISTEN sessions in pg_stat_activity.
    const client = new pg.Client({
      connectionString: this.opts.connectionString,
      application_name: LISTEN_APPLICATION_NAME,
    });
    client.on('notification', (n) => {
      if (n.channel === this.channel && n.payload) this.enqueue(n.payload);
    });
    const lost = (err?: unknown) => {
      if (this.listener !== client) return;
      this.listener = null;
      if (err) this.opts.onError?.(err, 'listen connection');
      client.end().catch(() => undefined);
      this.scheduleReconnect();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
    } catch (e) {
      client.end().catch(() => undefined);
      this.scheduleReconnect();
      throw e;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    const wasConnectedBefore = this.lastSeenId !== null;
    this.listener = client;
    this.reconnectDelay = 250;
    if (wasConnectedBefore) this.fanout = this.fanout.then(() => this.catchUp());
    else if (this.lastSeenId === null) this.lastSeenId = BigInt(await this.log.maxId());
  }

  private scheduleReconnect() {
    if (this.closed || this.reconnectTimer) return;
    const delay = this.reconnectDelay;
    this.reconnectDelay = Math.min(this.reconnectDelay * 2, 5000);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.ready().catch((e) => this.opts.onError?.(e, 'listen reconnect'));
    }, delay);
    this.reconnectTimer.unref();
  }

  /** After the LISTEN connection was lost, deliver what was committed meanwhile (or a reset). */
  private async catchUp() {
    const from = (this.lastSeenId ?? 0n).toString();
    const limit = this.opts.maxCatchUp ?? 1000;
    try {
      const { rows } = await this.opts.pool.query(
        `SELECT id::text AS id FROM "RealtimeEvent" WHERE id > $1::bigint ORDER BY id LIMIT $2`,
        [from, limit + 1],
      );
      const ids = (rows as { id: string }[]).map((r) => r.id);
      if (ids.length > limit) {
        this.lastSeenId = BigInt(await this.log.maxId());
        this.emit({ type: 'reset', reason: 'realtime connection was interrupted' });
        return;
      }
      await this.deliver(ids);
    } catch (e) {
      this.opts.onError?.(e, 'catch up');
    }
  }

  private enqueue(payload: string) {
    const notified = parseNotifiedEvent(payload);
    if (!notified) {
      this.opts.onError?.(new Error('a notification that is neither an event nor an id'), 'listen');
      return;
    }
    if ('type' in notified) this.pending.carried.push(notified);
    else this.pending.ids.push(notified.id);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // Deliver the notifications of one tick together (those that carry only an id are read in one
    // SELECT); deliver batches in order.
    setImmediate(() => {
      this.flushScheduled = false;
      const { ids, carried } = this.pending;
      this.pending = { carried: [], ids: [] };
      this.fanout = this.fanout.then(() => this.deliver(ids, carried));
    });
  }

  /**
   * Reads the events `ids` and fans them out with `carried` (events already in hand), oldest first
   * by id, as the log's read orders them.
   */
  private async deliver(ids: string[], carried: RealtimeEvent[] = []) {
    let events: RealtimeEvent[] = [];
    if (ids.length) {
      try {
        // On the LISTEN connection when it is up: its own session, never queued behind the pool's
        // intake and correlation transactions (deliveries are serial on the fan-out chain anyway).
        events = await this.log.byIds(ids, this.listener ?? this.opts.pool);
      } catch (e) {
        this.opts.onError?.(e, 'fetch notified events');
        this.emit({ type: 'reset', reason: 'events could not be loaded' });
        return;
      }
    }
    if (carried.length) {
      events = events.length ? [...events, ...carried] : carried;
      events.sort((a, b) => {
        const x = BigInt(a.id);
        const y = BigInt(b.id);
        return x < y ? -1 : x > y ? 1 : 0;
      });
    }
    const now = this.opts.onNotified ? Date.now() : 0;
    for (const e of events) {
      if (this.opts.onNotified) this.opts.onNotified(Math.max(0, now - Date.parse(e.createdAt)) / 1000);
      const id = BigInt(e.id);
      if (this.lastSeenId === null || id > this.lastSeenId) this.lastSeenId = id;
      this.emit(e);
    }
  }

  private emit(m: RealtimeMessage) {
    for (const s of [...this.subscribers]) {
      try {
        s(m);
      } catch (e) {
        this.opts.onError?.(e, 'subscriber');
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    await this.connecting?.catch(() => undefined);
    const l = this.listener;
    this.listener = null;
    await l?.end().catch(() => undefined);
    await this.fanout.catch(() => undefined);
    this.subscribers.clear();
  }
}
