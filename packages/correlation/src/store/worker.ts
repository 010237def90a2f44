// CorrelationWorker: the AlertSink ingestion hands stored alerts to, plus a sweeper that finds
// PENDING alerts (at start and periodically, so a crash between commit and hand-over loses
// nothing) and a periodic tick for time-based transitions. Correctness never depends on this
// process: the database lock and constraints in apply.ts do; the in-process bookkeeping below only
// avoids running the same company twice at once in one process.
import type { AlertSink } from '@aw/core/domain';
import type pg from 'pg';
import { correlateCompany, tickCompany, type IncidentChangedEvent, type OnIncidentChanged } from './apply.ts';
import { q } from './sql.ts';

/** The interface ingestion (packages/ingest) calls after committing alerts (`@aw/core/domain`). */
export type { AlertSink };

export interface CorrelationWorkerOptions {
  pool: pg.Pool;
  onIncidentChanged?: OnIncidentChanged;
  batchSize?: number;
  /** Sweep for PENDING alerts every … ms (0 = only at start). Default 5 s. */
  sweepIntervalMs?: number;
  /** Time-based transitions every … ms (0 = off). Default 30 s. */
  tickIntervalMs?: number;
  clock?: () => Date;
  logger?: Pick<Console, 'error' | 'warn'>;
}

export class CorrelationWorker implements AlertSink {
  private readonly opts: Required<Omit<CorrelationWorkerOptions, 'onIncidentChanged'>> & {
    onIncidentChanged?: OnIncidentChanged;
  };
  private readonly running = new Map<string, Promise<number>>();
  private readonly again = new Set<string>();
  private timers: NodeJS.Timeout[] = [];
  private stopped = false;
  /** Alerts decided by this worker since it was created. */
  decided = 0;

  constructor(opts: CorrelationWorkerOptions) {
    this.opts = {
      batchSize: 500,
      sweepIntervalMs: 5000,
      tickIntervalMs: 30_000,
      clock: () => new Date(),
      logger: console,
      ...opts,
    };
  }

  /** AlertSink: never throws at ingestion; the sweeper catches anything missed. */
  alertsStored(batch: { companyId: string; alertIds: bigint[] }[]): void {
    if (this.stopped) return;
    for (const companyId of new Set(batch.map((b) => b.companyId)))
      void this.drainCompany(companyId).catch(() => 0);
  }

  /** Decides every PENDING alert of the company (in id order); resolves to the number decided. */
  drainCompany(companyId: string): Promise<number> {
    const cur = this.running.get(companyId);
    if (cur) {
      this.again.add(companyId);
      return cur;
    }
    const p = (async () => {
      let total = 0;
      try {
        do {
          this.again.delete(companyId);
          for (;;) {
            const r = await correlateCompany(this.opts.pool, companyId, { batchSize: this.opts.batchSize });
            total += r.decided;
            this.decided += r.decided;
            await this.publish(r.events);
            if (r.decided < this.opts.batchSize) break;
          }
        } while (this.again.has(companyId) && !this.stopped);
      } catch (e) {
        this.opts.logger.error(`[correlation] company ${companyId}: ${(e as Error).message}`);
        throw e;
      } finally {
        this.running.delete(companyId);
      }
      return total;
    })();
    this.running.set(companyId, p);
    return p;
  }

  /** Finds every company with PENDING alerts and drains it. */
  async sweep(): Promise<number> {
    const r = await q<{ id: string }>(
      this.opts.pool,
      `SELECT c.id FROM "Company" c
        WHERE EXISTS (SELECT 1 FROM "Alert" a WHERE a."companyId" = c.id AND a.decision = 'PENDING')
        ORDER BY c.id`,
    );
    let n = 0;
    for (const { id } of r.rows) n += await this.drainCompany(id).catch(() => 0);
    return n;
  }

  /** Applies time-based transitions to every company with open incidents. */
  async tick(now: Date = this.opts.clock()): Promise<number> {
    const r = await q<{ companyId: string }>(
      this.opts.pool,
      `SELECT DISTINCT "companyId" FROM "Incident" WHERE status <> 'RESOLVED' ORDER BY "companyId"`,
    );
    let n = 0;
    for (const { companyId } of r.rows) {
      // Pending alerts first, so a deadline never overtakes an alert that arrived before it.
      await this.drainCompany(companyId).catch(() => 0);
      const ev = await tickCompany(this.opts.pool, companyId, now);
      n += ev.length;
      await this.publish(ev);
    }
    return n;
  }

  start(): this {
    this.stopped = false;
    const safe = (f: () => Promise<unknown>) => () =>
      void f().catch((e) => this.opts.logger.error(`[correlation] ${(e as Error).message}`));
    safe(() => this.sweep())();
    if (this.opts.sweepIntervalMs > 0)
      this.timers.push(
        setInterval(
          safe(() => this.sweep()),
          this.opts.sweepIntervalMs,
        ),
      );
    if (this.opts.tickIntervalMs > 0)
      this.timers.push(
        setInterval(
          safe(() => this.tick()),
          this.opts.tickIntervalMs,
        ),
      );
    for (const t of this.timers) t.unref();
    return this;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await Promise.allSettled([...this.running.values()]);
  }

  /** Resolves once nothing is running for any company (tests, demo). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running.values()]);
  }

  private async publish(events: IncidentChangedEvent[]): Promise<void> {
    const cb = this.opts.onIncidentChanged;
    if (!cb) return;
    for (const e of events) {
      try {
        await cb(e);
      } catch (err) {
        this.opts.logger.warn(`[correlation] onIncidentChanged failed: ${(err as Error).message}`);
      }
    }
  }
}
