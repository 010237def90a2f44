// Cross-process wake-up for correlation. Under PROCESS_ROLE=all the intake hands a committed batch
// straight to the process's CorrelationWorker. When web and worker processes are separate (the
// chart's deployments, `npm start` with START_WORKERS), the web process sends the companies of each
// committed batch on one NOTIFY channel and every worker LISTENs to it; without this a worker only
// found new alerts on its sweep, every 5 s. The sweep stays the safety net: a lost notification
// (a worker reconnecting, a web process dying between its commit and its NOTIFY) costs at most one
// sweep interval, never an alert. Exactly-once decisions do not rest on the wake: turns take the
// company lock and decide only PENDING alerts.
import pg from 'pg';
import type { Queryable } from '@aw/db';

export const PENDING_CHANNEL = 'aw_alerts_pending';
/** `application_name` of every worker's wake-up LISTEN session. */
export const WAKE_APPLICATION_NAME = 'aw-correlation-wake';

/** Announces PENDING alerts of these companies to every worker (one NOTIFY per company). */
export async function notifyPending(db: Queryable, companyIds: string[]): Promise<void> {
  const ids = [...new Set(companyIds)];
  if (!ids.length) return;
  await db.query(`SELECT pg_notify('${PENDING_CHANNEL}', id) FROM unnest($1::text[]) AS id`, [ids]);
}

export interface PendingWakeOptions {
  connectionString: string;
  /** Companies with new PENDING alerts (called once per notification). */
  onPending(companyId: string): void;
  /** The LISTEN session was (re)established: notifications sent meanwhile were missed. */
  onListening?(): void;
  onError?(err: unknown): void;
  /** First delay before reconnecting (doubles up to 5 s). */
  reconnectMs?: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One LISTEN session on PENDING_CHANNEL, reconnecting until stopped. */
export class PendingWake {
  private client: pg.Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private delay: number;
  private ready: Promise<void> | null = null;

  constructor(private readonly opts: PendingWakeOptions) {
    this.delay = opts.reconnectMs ?? 250;
  }

  /** Resolves once the first LISTEN is established (or failed: reconnecting goes on). */
  start(): Promise<void> {
    this.ready ??= this.connect();
    return this.ready;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({
      connectionString: this.opts.connectionString,
      application_name: WAKE_APPLICATION_NAME,
    });
    const lost = (err?: unknown) => {
      if (this.client !== client) return;
      this.client = null;
      if (err) this.opts.onError?.(err);
      void client.end().catch(() => undefined);
      this.retry();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (n) => {
      if (n.channel === PENDING_CHANNEL && n.payload && UUID.test(n.payload)) this.opts.onPending(n.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${PENDING_CHANNEL}`);
    } catch (e) {
      this.opts.onError?.(e);
      void client.end().catch(() => undefined);
      this.retry();
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.delay = this.opts.reconnectMs ?? 250;
    this.opts.onListening?.();
  }

  private retry(): void {
    if (this.stopped || this.timer) return;
    const wait = this.delay;
    this.delay = Math.min(this.delay * 2, 5000);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.connect();
    }, wait);
    this.timer.unref();
  }

  /** Whether the LISTEN session is up now. */
  get listening(): boolean {
    return this.client !== null;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => undefined);
  }
}
