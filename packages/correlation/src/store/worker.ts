// CorrelationWorker: the AlertSink ingestion hands stored alerts to, plus a sweeper that finds
// PENDING alerts (at start and periodically, so a crash between commit and hand-over loses
// nothing) and a periodic tick for time-based transitions. Correctness never depends on this
// process: the database lock and constraints in apply.ts do; the in-process queue below avoids
// running the same company twice at once in one process and gives companies turns in order
// (one budgeted batch each, see budget.ts), so no company holds the worker for the others.
import type { AlertSink } from '@aw/core/domain';
import type pg from 'pg';
import {
  correlateCompany,
  tickCompany,
  type IncidentChangedEvent,
  type OnIncidentChanged,
  type TurnStages,
} from './apply.ts';
import type { DecisionBudget } from './budget.ts';
import { CpuLoad } from './cpu-busy.ts';
import { q } from './sql.ts';

/** Takes a turn's incident events at once, in decision order. */
export type OnIncidentsChanged = (events: IncidentChangedEvent[]) => unknown;

/** The interface ingestion (packages/ingest) calls after committing alerts (`@aw/core/domain`). */
export type { AlertSink };

export interface CorrelationWorkerOptions {
  pool: pg.Pool;
  onIncidentChanged?: OnIncidentChanged;
  /**
   * A turn's events at once, in decision order (set-based listeners: one statement for many
   * events). When set, it is called instead of `onIncidentChanged`.
   */
  onIncidentsChanged?: OnIncidentsChanged;
  /**
   * Called with a turn's events as soon as its decisions are committed, on an ordered chain of its
   * own (the live push: one statement per turn, never behind the slower listeners, never holding
   * the next turn). Errors are logged.
   */
  onIncidentsDecided?: OnIncidentsChanged;
  batchSize?: number;
  /** Sweep for PENDING alerts every … ms (0 = only at start). Default 5 s. */
  sweepIntervalMs?: number;
  /** Time-based transitions every … ms (0 = off). Default 30 s. */
  tickIntervalMs?: number;
  /** Batches (of different companies) in flight at once. Default 2. */
  concurrency?: number;
  /**
   * A company that keeps up (its last turn took less than a full batch) starts its next turn no
   * sooner than this many ms after the last one started; the alerts of that gap are decided
   * together. A company with a backlog goes on at once, and other companies are not held back.
   * Fewer, larger turns cost less per alert (each turn has a fixed cost). Default 0: at once.
   */
  minTurnIntervalMs?: number;
  /**
   * While the machine's CPUs are busy (more than `busyAbove` of their time over about the last
   * second, as a turn ends), the interval grows with the company's last turn: its next turn starts
   * no sooner than this many times that turn's duration after it started (never sooner than
   * minTurnIntervalMs). A saturated machine makes longer turns, so the turns grow and their fixed
   * cost is shared by more alerts, and the intake keeps more of the CPU; with CPU to spare the
   * floor stays at minTurnIntervalMs and the board stays quick. Default 0: off.
   */
  turnIntervalFactor?: number;
  /** The busy share of the CPUs above which turnIntervalFactor applies. Default 0.8. */
  busyAbove?: number;
  /** The CPUs' busy share lately (0…1). Default: the machine's, over about a second (cpu-busy.ts). */
  cpuBusy?: () => number;
  /** Decision budget per batch and poisoned-alert limit (budget.ts). */
  budget?: Partial<DecisionBudget>;
  /**
   * Incident events waiting for `onIncidentChanged` beyond which a turn waits for them before the
   * next (memory stays bounded when the listeners are slower than the decisions). Default 50,000
   */
  maxUnpublished?: number;
  /**
   * The live push (`onIncidentsDecided`) is called at most once per this many ms: the first turn
   * after a quiet spell goes out at once, the turns that commit within the window after it go out
   * together at its end (one statement for all of them). Many companies with an alert now and then
   * each make a turn of their own; without the window each turn cost the push a statement.
   * Default 0: every turn at once.
   */
  liveWindowMs?: number;
  /**
   * The same for the other listeners (`onIncidentsChanged`/`onIncidentChanged`: runbook policies,
   * notifications), which no one watches live. Default 0.
   */
  listenerWindowMs?: number;
  /** Incidents whose events are handed to `onIncidentChanged` at once (one incident's in order). Default 4. */
  publishConcurrency?: number;
  clock?: () => Date;
  logger?: Pick<Console, 'error' | 'warn'>;
  /**
   * After each turn that decided alerts, committed: how many and how long it took, from its start
   * to the COMMIT answered (the app records it as aw_correlation_turn_seconds), and that time by
   * stage (aw_correlation_turn_stage_seconds). Must not throw.
   */
  onTurn?: (turn: { companyId: string; decided: number; seconds: number; stages?: TurnStages }) => void;
}

interface Drain {
  total: number;
  promise: Promise<number>;
  resolve(n: number): void;
  reject(e: unknown): void;
}

/**
 * Companies take turns: one turn is one batch (bounded by the decision budget); a company with
 * more to do goes to the back of the queue, so a company with a large or slow backlog delays
 * the others by at most one batch.
 */
/** At most this many events per listener call when turns' events are pushed together. */
const EVENTS_PER_CALL = 5000;

export class CorrelationWorker implements AlertSink {
  private readonly opts: Required<
    Omit<
      CorrelationWorkerOptions,
      'onIncidentChanged' | 'onIncidentsChanged' | 'onIncidentsDecided' | 'onTurn'
    >
  > & {
    onIncidentChanged?: OnIncidentChanged;
    onIncidentsChanged?: OnIncidentsChanged;
    onIncidentsDecided?: OnIncidentsChanged;
    onTurn?: CorrelationWorkerOptions['onTurn'];
  };
  private readonly drains = new Map<string, Drain>();
  private readonly queue: string[] = [];
  private readonly inFlight = new Set<string>();
  private readonly again = new Set<string>();
  /**
   * When each company's last turn started (performance.now()), how long it took (ms; 0 while it
   * runs), whether the CPUs were busy when it ended and whether it left a backlog.
   */
  private readonly lastTurn = new Map<string, { at: number; ms: number; busy: boolean; backlog: boolean }>();
  /** Companies waiting out minTurnIntervalMs before their next turn. */
  private readonly held = new Map<string, NodeJS.Timeout>();
  private timers: NodeJS.Timeout[] = [];
  /** Events are published in decision order on one chain, beside the turns (not between them). */
  private publishing: Promise<void> = Promise.resolve();
  private unpublished = 0;
  private readonly publishQueue: IncidentChangedEvent[] = [];
  private publishRunning = false;
  private readonly liveQueue: IncidentChangedEvent[] = [];
  private liveRunning = false;
  /** The live push (`onIncidentsDecided`): its own ordered chain, beside the publishing one. */
  private live: Promise<void> = Promise.resolve();
  private unpushed = 0;
  /** When the last live push and the last listener call started (performance.now()). */
  private readonly liveStarted = { at: -Infinity };
  private readonly publishStarted = { at: -Infinity };
  private stopped = false;
  /** Samples the machine's CPUs while turnIntervalFactor is on (and no cpuBusy was given). */
  private cpuLoad: CpuLoad | null = null;
  /** Alerts decided by this worker since it was created. */
  decided = 0;
  /** Turns cut short by the decision budget (the company went to the back of the queue). */
  deferredTurns = 0;

  constructor(opts: CorrelationWorkerOptions) {
    this.opts = {
      batchSize: 2000,
      sweepIntervalMs: 5000,
      tickIntervalMs: 30_000,
      concurrency: 2,
      minTurnIntervalMs: 0,
      turnIntervalFactor: 0,
      busyAbove: 0.8,
      cpuBusy: () => this.cpuLoad?.busy() ?? 0,
      budget: {},
      maxUnpublished: 50_000,
      liveWindowMs: 0,
      listenerWindowMs: 0,
      publishConcurrency: 4,
      clock: () => new Date(),
      logger: console,
      ...opts,
    };
    if (this.opts.turnIntervalFactor > 0 && !opts.cpuBusy) this.cpuLoad = new CpuLoad();
  }

  /** AlertSink: never throws at ingestion; the sweeper catches anything missed. */
  alertsStored(batch: { companyId: string; alertIds: bigint[] }[]): void {
    if (this.stopped) return;
    for (const companyId of new Set(batch.map((b) => b.companyId)))
      void this.drainCompany(companyId).catch(() => 0);
  }

  /**
   * Decides every PENDING alert of the company (in id order), in turns shared fairly with the
   * other companies; resolves to the number decided.
   */
  drainCompany(companyId: string): Promise<number> {
    const cur = this.drains.get(companyId);
    if (cur) {
      // Alerts stored while a turn runs may be past its snapshot: take another turn.
      if (this.inFlight.has(companyId)) this.again.add(companyId);
      return cur.promise;
    }
    let resolve!: (n: number) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<number>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.drains.set(companyId, { total: 0, promise, resolve, reject });
    this.queue.push(companyId);
    this.pump();
    return promise;
  }

  private pump(): void {
    while (!this.stopped && this.inFlight.size < this.opts.concurrency && this.queue.length) {
      const id = this.queue.shift()!;
      const wait = this.waitBeforeTurn(id);
      if (wait > 0) {
        this.hold(id, wait);
        continue;
      }
      this.inFlight.add(id);
      void this.turn(id);
    }
  }

  /** Whether turns are spaced at all (minTurnIntervalMs or turnIntervalFactor). */
  private get spaced(): boolean {
    return this.opts.minTurnIntervalMs > 0 || this.opts.turnIntervalFactor > 0;
  }

  /** How long the company must wait before its next turn (minTurnIntervalMs, turnIntervalFactor). */
  private waitBeforeTurn(companyId: string): number {
    const last = this.spaced ? this.lastTurn.get(companyId) : undefined;
    if (!last || last.backlog) return 0;
    const grown = last.busy ? this.opts.turnIntervalFactor * last.ms : 0;
    return last.at + Math.max(this.opts.minTurnIntervalMs, grown) - performance.now();
  }

  /** Out of the queue (no turn slot taken) until its interval has passed, then to the back. */
  private hold(companyId: string, ms: number): void {
    const timer = setTimeout(() => {
      this.held.delete(companyId);
      if (this.stopped) return;
      this.queue.push(companyId);
      this.pump();
    }, Math.ceil(ms));
    timer.unref();
    this.held.set(companyId, timer);
  }

  private async turn(companyId: string): Promise<void> {
    const d = this.drains.get(companyId)!;
    let more = false;
    try {
      this.again.delete(companyId);
      const started = performance.now();
      const last = { at: started, ms: 0, busy: false, backlog: false };
      if (this.spaced) this.lastTurn.set(companyId, last);
      const r = await correlateCompany(this.opts.pool, companyId, {
        ...this.opts.budget,
        batchSize: this.opts.batchSize,
        logger: this.opts.logger,
      });
      last.ms = performance.now() - started;
      if (this.opts.turnIntervalFactor > 0) last.busy = this.opts.cpuBusy() > this.opts.busyAbove;
      if (r.decided > 0 && this.opts.onTurn) {
        try {
          this.opts.onTurn({
            companyId,
            decided: r.decided,
            seconds: last.ms / 1000,
            ...(r.stages ? { stages: r.stages } : {}),
          });
        } catch (e) {
          this.opts.logger.warn(`[correlation] onTurn failed: ${(e as Error).message}`);
        }
      }
      d.total += r.decided;
      this.decided += r.decided;
      if (r.deferred) this.deferredTurns++;
      // The decisions are committed: the live push goes out now, the next turn need not wait for
      // the other listeners.
      this.pushLive(r.events);
      this.enqueuePublish(r.events);
      if (this.unpublished + this.unpushed > this.opts.maxUnpublished)
        await Promise.all([this.publishing, this.live]);
      more = r.decided >= this.opts.batchSize || r.deferred > 0 || r.failure !== null;
      last.backlog = more;
    } catch (e) {
      this.opts.logger.error(`[correlation] company ${companyId}: ${(e as Error).message}`);
      this.inFlight.delete(companyId);
      this.drains.delete(companyId);
      this.again.delete(companyId);
      d.reject(e);
      this.pump();
      return;
    }
    this.inFlight.delete(companyId);
    if ((more || this.again.has(companyId)) && !this.stopped) {
      this.queue.push(companyId); // to the back: the other companies go first
    } else {
      this.drains.delete(companyId);
      d.resolve(d.total);
    }
    this.pump();
  }

  /** Finds every company with PENDING alerts and drains it. */
  async sweep(): Promise<number> {
    const r = await q<{ id: string }>(
      this.opts.pool,
      `SELECT c.id FROM "Company" c
        WHERE EXISTS (SELECT 1 FROM "Alert" a WHERE a."companyId" = c.id AND a.decision = 'PENDING')
        ORDER BY c.id`,
    );
    // All at once: the queue gives each company a turn in order, then the next round.
    const n = await Promise.all(r.rows.map(({ id }) => this.drainCompany(id).catch(() => 0)));
    return n.reduce((x, y) => x + y, 0);
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
      this.pushLive(ev);
      this.enqueuePublish(ev);
    }
    await this.live;
    await this.publishing;
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
    this.cpuLoad?.stop();
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    // Companies still waiting for a turn stop here (their alerts stay PENDING for the next start).
    for (const timer of this.held.values()) clearTimeout(timer);
    const waiting = [...this.queue.splice(0), ...this.held.keys()];
    this.held.clear();
    for (const id of waiting) {
      const d = this.drains.get(id);
      this.drains.delete(id);
      d?.resolve(d.total);
    }
    await Promise.allSettled([...this.drains.values()].map((d) => d.promise));
    await this.live;
    await this.publishing;
  }

  /** Resolves once nothing is running for any company and every event is published (tests, demo). */
  async idle(): Promise<void> {
    for (;;) {
      if (this.drains.size) await Promise.allSettled([...this.drains.values()].map((d) => d.promise));
      else if (this.unpushed) await this.live;
      else if (this.unpublished) await this.publishing;
      else return;
    }
  }

  /**
   * Hands a committed turn's events to `onIncidentsDecided` in order, without holding the next turn.
   * Turns that commit while a push runs are pushed together next (up to EVENTS_PER_CALL events a
   * call): a set-based listener that falls behind catches up in fewer, larger calls instead of
   * queueing one call per turn.
   */
  private pushLive(events: IncidentChangedEvent[]): void {
    const cb = this.opts.onIncidentsDecided;
    if (!events.length || !cb) return;
    this.unpushed += events.length;
    for (const e of events) this.liveQueue.push(e);
    if (this.liveRunning) return;
    this.liveRunning = true;
    this.live = this.drainQueue(
      this.liveQueue,
      cb,
      'onIncidentsDecided',
      (n) => {
        this.unpushed -= n;
      },
      this.opts.liveWindowMs,
      this.liveStarted,
    ).finally(() => {
      this.liveRunning = false;
    });
  }

  private enqueuePublish(events: IncidentChangedEvent[]): void {
    if (!events.length || !(this.opts.onIncidentChanged || this.opts.onIncidentsChanged)) return;
    this.unpublished += events.length;
    for (const e of events) this.publishQueue.push(e);
    if (this.publishRunning) return;
    this.publishRunning = true;
    this.publishing = this.drainQueue(
      this.publishQueue,
      (es) => this.publish(es),
      'publish',
      (n) => {
        this.unpublished -= n;
      },
      this.opts.listenerWindowMs,
      this.publishStarted,
    ).finally(() => {
      this.publishRunning = false;
    });
  }

  /**
   * Calls `cb` with the queued events in order, in slices, until the queue is empty; a call starts
   * no sooner than `windowMs` after the one before it started (`started`), and the events queued
   * while it waits go with it.
   */
  private async drainQueue(
    queue: IncidentChangedEvent[],
    cb: (events: IncidentChangedEvent[]) => unknown,
    label: string,
    done: (n: number) => void,
    windowMs: number,
    started: { at: number },
  ): Promise<void> {
    while (queue.length) {
      const wait = started.at + windowMs - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, Math.ceil(wait)));
      started.at = performance.now();
      const events = queue.splice(0, EVENTS_PER_CALL);
      try {
        await cb(events);
      } catch (err) {
        this.opts.logger.warn(`[correlation] ${label} failed: ${(err as Error).message}`);
      } finally {
        done(events.length);
      }
    }
  }

  /**
   * The events of different incidents go to the listeners `publishConcurrency` at a time (their
   * writes commit together); the events of one incident stay in order, one after the other.
   */
  private async publish(events: IncidentChangedEvent[]): Promise<void> {
    const batch = this.opts.onIncidentsChanged;
    if (batch) {
      try {
        await batch(events);
      } catch (err) {
        this.opts.logger.warn(`[correlation] onIncidentsChanged failed: ${(err as Error).message}`);
      }
      return;
    }
    const cb = this.opts.onIncidentChanged;
    if (!cb) return;
    const byIncident = new Map<string, IncidentChangedEvent[]>();
    for (const e of events) {
      const list = byIncident.get(e.incidentId);
      if (list) list.push(e);
      else byIncident.set(e.incidentId, [e]);
    }
    const groups = [...byIncident.values()];
    let next = 0;
    const lane = async () => {
      while (next < groups.length) {
        for (const e of groups[next++]!) {
          try {
            await cb(e);
          } catch (err) {
            this.opts.logger.warn(`[correlation] onIncidentChanged failed: ${(err as Error).message}`);
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.opts.publishConcurrency, groups.length) }, lane));
  }
}
