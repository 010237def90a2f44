// A durable job queue on the `Job` table. A job is claimed by one worker at a time: the claim
// takes due rows with FOR UPDATE SKIP LOCKED and stamps them with the worker id and a lease the
// worker keeps extending (heartbeat) while the handler runs. If the worker dies, the lease expires
// and another worker claims the job again; the dead worker's late completion cannot land, because
// every finishing update is fenced on (lockedBy, attempts). Handlers must therefore be resumable:
// a job may run again after a crash, never twice at once.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { q, qn, ts, type Queryable } from './sql.ts';

export interface Job<P = unknown> {
  id: string;
  name: string;
  payload: P;
  singletonKey: string | null;
  attempts: number;
  maxAttempts: number;
  backoffMs: number;
  runAt: Date;
}

export interface EnqueueOptions {
  /** While a job with this key (and name) is queued or running, enqueue returns that job instead. */
  singletonKey?: string;
  runAt?: Date;
  maxAttempts?: number;
  /** First retry delay; doubles per attempt, capped at one hour. */
  backoffMs?: number;
  /** Enqueue inside the caller's transaction. */
  db?: Queryable;
}

export interface JobContext {
  /** Aborted when the lease was lost or the queue is stopping: stop and return. */
  signal: AbortSignal;
  workerId: string;
}

/** `{ retryAt }` puts the job back to run again then, without counting a failed attempt. */
export type HandlerResult = void | { retryAt: Date };
export type Handler<P = unknown> = (job: Job<P>, ctx: JobContext) => Promise<HandlerResult>;

export interface JobQueueOptions {
  pool: pg.Pool;
  clock?: () => Date;
  workerId?: string;
  /** Lease length; the heartbeat renews it every third of it. Default 30 s. */
  leaseMs?: number;
  /** How often an idle worker looks for due jobs. Default 1 s. */
  pollMs?: number;
  logger?: Pick<Console, 'error' | 'warn'>;
}

interface Registration {
  name: string;
  handler: Handler;
  concurrency: number;
  running: Set<Promise<void>>;
  /** The last claim filled every free slot: more may be due, so a freed slot claims at once. */
  full: boolean;
}

const MAX_BACKOFF_MS = 3_600_000;
const COLUMNS = `id, name, payload, "singletonKey", attempts, "maxAttempts", "backoffMs", "runAt"`;

type Row = Job & Record<string, unknown>;

// $1 names, $2 now, $3 the limit of each name, $4 this worker, $5 the new lease's end, $6 a limit
// over all names (the earliest due first), or null.
const CLAIM_SQL = `
  WITH reaped AS (
    UPDATE "Job" SET state = 'FAILED', "activeKey" = NULL, "finishedAt" = $2, "lockedBy" = NULL,
           "leaseUntil" = NULL, "lastError" = 'the worker stopped (lease expired) on the last attempt'
     WHERE name = ANY($1::text[]) AND state = 'ACTIVE' AND "leaseUntil" < $2 AND attempts >= "maxAttempts"
     RETURNING id),
  due AS (
    SELECT d.id FROM unnest($1::text[], $3::int[]) AS w(name, lim)
    CROSS JOIN LATERAL (
      SELECT c.id, c."runAt" FROM "Job" c
       WHERE c.name = w.name
         AND ((c.state = 'QUEUED' AND c."runAt" <= $2)
           OR (c.state = 'ACTIVE' AND c."leaseUntil" < $2 AND c.attempts < c."maxAttempts"))
       ORDER BY c."runAt", c.id
       LIMIT w.lim
       FOR UPDATE SKIP LOCKED) d
    ORDER BY d."runAt", d.id
    LIMIT $6::int)
  UPDATE "Job" j
     SET state = 'ACTIVE', attempts = j.attempts + 1, "lockedBy" = $4, "leaseUntil" = $5,
         "startedAt" = COALESCE(j."startedAt", $2)
    FROM due WHERE j.id = due.id
  RETURNING ${COLUMNS.split(', ')
    .map((c) => `j.${c}`)
    .join(', ')}`;

export class JobQueue {
  readonly workerId: string;
  private readonly pool: pg.Pool;
  private readonly clock: () => Date;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly logger: Pick<Console, 'error' | 'warn'>;
  private readonly registrations = new Map<string, Registration>();
  private readonly active = new Map<string, AbortController>();
  private loopDone: Promise<void> = Promise.resolve();
  private stopped = true;
  private killed = false;
  private wakeUp: (() => void) | null = null;
  /** A wake that came while the loop was not sleeping: its next sleep returns at once. */
  private wakePending = false;
  /** Bumped by start(): a loop left from before a stop() that has not finished exits. */
  private generation = 0;

  constructor(opts: JobQueueOptions) {
    this.pool = opts.pool;
    this.clock = opts.clock ?? (() => new Date());
    this.workerId = opts.workerId ?? `${process.pid}-${randomUUID().slice(0, 8)}`;
    this.leaseMs = opts.leaseMs ?? 30_000;
    this.pollMs = opts.pollMs ?? 1000;
    this.logger = opts.logger ?? console;
  }

  async enqueue<P>(
    name: string,
    payload: P,
    opts: EnqueueOptions = {},
  ): Promise<{ id: string; created: boolean }> {
    const db = opts.db ?? this.pool;
    const activeKey = opts.singletonKey === undefined ? null : `${name}:${opts.singletonKey}`;
    for (let i = 0; i < 3; i++) {
      const r = await q<{ id: string }>(
        db,
        `INSERT INTO "Job" (name, payload, "singletonKey", "activeKey", "runAt", "maxAttempts", "backoffMs", "createdAt")
         VALUES ($1, $2::jsonb, $3, $4, $5, $6, $7, $8)
         ON CONFLICT ("activeKey") DO NOTHING RETURNING id`,
        [
          name,
          JSON.stringify(payload ?? {}),
          opts.singletonKey ?? null,
          activeKey,
          ts(opts.runAt ?? this.clock()),
          opts.maxAttempts ?? 5,
          opts.backoffMs ?? 1000,
          ts(this.clock()),
        ],
      );
      if (r.rows[0]) {
        this.wake();
        return { id: r.rows[0].id, created: true };
      }
      const existing = await q<{ id: string }>(db, `SELECT id FROM "Job" WHERE "activeKey" = $1`, [
        activeKey,
      ]);
      if (existing.rows[0]) return { id: existing.rows[0].id, created: false };
      // The holder finished between the two statements: try again.
    }
    throw new Error(`could not enqueue ${name} with singleton key ${opts.singletonKey}`);
  }

  work<P>(name: string, handler: Handler<P>, opts: { concurrency?: number } = {}): this {
    this.registrations.set(name, {
      name,
      handler: handler as Handler,
      concurrency: opts.concurrency ?? 1,
      running: new Set(),
      full: false,
    });
    // A running loop claims for it from its next pass.
    if (!this.stopped) this.wake();
    return this;
  }

  start(): this {
    if (!this.stopped) return this;
    this.stopped = false;
    this.killed = false;
    this.wakePending = false;
    this.loopDone = this.loop(++this.generation);
    return this;
  }

  /** Stops claiming, lets running handlers finish (they see their signal aborted), then resolves. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    for (const ac of this.active.values()) ac.abort(new Error('queue stopping'));
    await this.loopDone.catch(() => {});
    await Promise.allSettled([...this.registrations.values()].flatMap((r) => [...r.running]));
  }

  /**
   * Simulates a crash: stops claiming and heartbeats at once and discards whatever running
   * handlers do from now on; their jobs stay ACTIVE until the lease expires.
   */
  kill(): void {
    this.killed = true;
    this.stopped = true;
    this.wake();
    for (const ac of this.active.values()) ac.abort(new Error('worker killed'));
  }

  /** Claims and runs due jobs of `names` one after another until none is due (tests, scripts). */
  async drain(names: string[] = [...this.registrations.keys()]): Promise<number> {
    let n = 0;
    for (;;) {
      // One job at a time: a second one claimed now would wait for the first without a heartbeat.
      const [job] = await this.claim(
        names.map((name) => ({ name, limit: 1 })),
        1,
      );
      if (!job) return n;
      const reg = this.registrations.get(job.name);
      if (!reg) throw new Error(`no handler for job ${job.name}`);
      await this.run(job, reg.handler);
      n++;
    }
  }

  async get(
    id: string,
  ): Promise<(Job & { state: string; lastError: string | null; lockedBy: string | null }) | null> {
    const r = await q<Row & { state: string; lastError: string | null; lockedBy: string | null }>(
      this.pool,
      `SELECT ${COLUMNS}, state, "lastError", "lockedBy" FROM "Job" WHERE id = $1`,
      [id],
    );
    return r.rows[0] ?? null;
  }

  /** Cancels a queued job (a running one finishes its current run but is not retried). */
  async cancel(id: string): Promise<boolean> {
    const r = await q(
      this.pool,
      `UPDATE "Job" SET state = 'CANCELLED', "activeKey" = NULL, "finishedAt" = $2
        WHERE id = $1 AND state IN ('QUEUED', 'ACTIVE')`,
      [id, ts(this.clock())],
    );
    return (r.rowCount ?? 0) > 0;
  }

  // ─────────────────────────── internals ───────────────────────────

  /**
   * One statement for every registration: fails the jobs whose lease expired on their last
   * allowed attempt, and claims up to `limit` due jobs of each name (queued and due, or active
   * with an expired lease and attempts left), at most `total` over all names when given. The two
   * sets are disjoint, so the statement never touches a row twice.
   */
  private async claim(wants: { name: string; limit: number }[], total: number | null = null): Promise<Job[]> {
    const now = this.clock();
    const r = await qn<Row>(this.pool, CLAIM_SQL, [
      wants.map((w) => w.name),
      ts(now),
      wants.map((w) => w.limit),
      this.workerId,
      ts(new Date(now.getTime() + this.leaseMs)),
      total,
    ]);
    return r.rows;
  }

  private fence(job: Job): [string, string, number] {
    return [job.id, this.workerId, job.attempts];
  }

  private async heartbeat(job: Job): Promise<boolean> {
    const r = await q(
      this.pool,
      `UPDATE "Job" SET "leaseUntil" = $4
        WHERE id = $1 AND "lockedBy" = $2 AND attempts = $3 AND state = 'ACTIVE'`,
      [...this.fence(job), ts(new Date(this.clock().getTime() + this.leaseMs))],
    );
    return (r.rowCount ?? 0) > 0;
  }

  private async run(job: Job, handler: Handler): Promise<void> {
    const ac = new AbortController();
    this.active.set(job.id, ac);
    const beat = setInterval(
      () =>
        void this.heartbeat(job)
          .then((ok) => {
            if (!ok) ac.abort(new Error('lease lost'));
          })
          .catch((e: unknown) => this.logger.warn(`[jobs] heartbeat ${job.id}: ${(e as Error).message}`)),
      Math.max(50, Math.floor(this.leaseMs / 3)),
    );
    beat.unref();
    try {
      let result: HandlerResult;
      try {
        result = await handler(job, { signal: ac.signal, workerId: this.workerId });
      } catch (e) {
        clearInterval(beat);
        if (!this.killed) await this.fail(job, e);
        return;
      }
      clearInterval(beat);
      if (this.killed) return;
      if (result && 'retryAt' in result) await this.snooze(job, result.retryAt);
      else await this.complete(job);
    } finally {
      clearInterval(beat);
      this.active.delete(job.id);
    }
  }

  private async complete(job: Job): Promise<void> {
    const r = await q(
      this.pool,
      `UPDATE "Job" SET state = 'COMPLETED', "activeKey" = NULL, "finishedAt" = $4, "lockedBy" = NULL, "leaseUntil" = NULL
        WHERE id = $1 AND "lockedBy" = $2 AND attempts = $3 AND state = 'ACTIVE'`,
      [...this.fence(job), ts(this.clock())],
    );
    if (!r.rowCount)
      this.logger.warn(`[jobs] ${job.name} ${job.id}: lease lost before completion; result dropped`);
  }

  private async snooze(job: Job, retryAt: Date): Promise<void> {
    await q(
      this.pool,
      `UPDATE "Job" SET state = 'QUEUED', "runAt" = $4, attempts = attempts - 1, "lockedBy" = NULL, "leaseUntil" = NULL
        WHERE id = $1 AND "lockedBy" = $2 AND attempts = $3 AND state = 'ACTIVE'`,
      [...this.fence(job), ts(retryAt)],
    );
  }

  private async fail(job: Job, e: unknown): Promise<void> {
    const message = (e instanceof Error ? e.message : String(e)).slice(0, 2000);
    const last = job.attempts >= job.maxAttempts;
    const delay = Math.min(MAX_BACKOFF_MS, job.backoffMs * 2 ** Math.max(0, job.attempts - 1));
    const now = this.clock();
    await q(
      this.pool,
      `UPDATE "Job" SET state = $4::"JobState", "lastError" = $5, "runAt" = $6, "lockedBy" = NULL, "leaseUntil" = NULL,
              "activeKey" = CASE WHEN $4 = 'FAILED' THEN NULL ELSE "activeKey" END,
              "finishedAt" = CASE WHEN $4 = 'FAILED' THEN $7::timestamp ELSE NULL END
        WHERE id = $1 AND "lockedBy" = $2 AND attempts = $3 AND state = 'ACTIVE'`,
      [...this.fence(job), last ? 'FAILED' : 'QUEUED', message, ts(new Date(now.getTime() + delay)), ts(now)],
    );
    this.logger.warn(
      `[jobs] ${job.name} ${job.id} attempt ${job.attempts}/${job.maxAttempts} failed: ${message}`,
    );
  }

  /**
   * The one claiming loop of this queue: each pass claims for every registration with a free slot
   * in one statement, then sleeps `pollMs` unless an enqueue in this process, a new registration
   * or a slot freed in a registration whose last claim was full wakes it.
   */
  private async loop(generation: number): Promise<void> {
    while (!this.stopped && generation === this.generation) {
      const regs = [...this.registrations.values()].filter((r) => r.running.size < r.concurrency);
      let jobs: Job[] = [];
      if (regs.length) {
        try {
          jobs = await this.claim(regs.map((r) => ({ name: r.name, limit: r.concurrency - r.running.size })));
        } catch (e) {
          this.logger.error(`[jobs] claim ${regs.map((r) => r.name).join(', ')}: ${(e as Error).message}`);
        }
        if (this.stopped || generation !== this.generation) {
          // Claimed as the queue stopped: hand them back unspent rather than leave them leased.
          if (!this.killed) await Promise.allSettled(jobs.map((j) => this.snooze(j, j.runAt)));
          break;
        }
        for (const reg of regs) reg.full = false;
        for (const job of jobs) {
          const reg = this.registrations.get(job.name)!;
          const p: Promise<void> = this.run(job, reg.handler)
            .catch((e: unknown) => this.logger.error(`[jobs] ${job.name} ${job.id}: ${(e as Error).message}`))
            .finally(() => {
              reg.running.delete(p);
              if (reg.full) this.wake();
            });
          reg.running.add(p);
        }
        for (const reg of regs) reg.full = reg.running.size >= reg.concurrency;
        // Every slot of a registration that found work is taken: claim again only when one frees.
      }
      await this.sleep(this.pollMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.wakePending) {
      this.wakePending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        if (this.wakeUp === done) this.wakeUp = null;
        resolve();
      };
      const t = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }

  private wake(): void {
    const w = this.wakeUp;
    this.wakeUp = null;
    if (w) w();
    else this.wakePending = true;
  }
}
