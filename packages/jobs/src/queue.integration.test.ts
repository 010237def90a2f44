import { spawn } from 'node:child_process';
import path from 'node:path';
import { createPool } from '@aw/db';
import { createTestDatabase } from '@aw/db/testing';
import type pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { JobQueue, type Job } from './index.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => Promise<boolean> | boolean, ms = 15_000) {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(20);
  }
}

describe.each(inject('pgTargets'))('job queue on $name', (target) => {
  let db: { url: string; drop(): Promise<void> };
  let pool: pg.Pool;
  const pools: pg.Pool[] = [];
  const queues: JobQueue[] = [];
  const newQueue = (opts: Partial<ConstructorParameters<typeof JobQueue>[0]> = {}) => {
    const p = createPool(db.url, { max: 4 });
    pools.push(p);
    const qu = new JobQueue({ pool: p, pollMs: 20, logger: { error() {}, warn() {} }, ...opts });
    queues.push(qu);
    return qu;
  };

  beforeAll(async () => {
    db = await createTestDatabase(target);
    pool = createPool(db.url);
    await pool.query(
      `CREATE TABLE runs (job_id bigint, worker text, event text, at timestamptz DEFAULT now())`,
    );
  });
  beforeEach(async () => {
    await Promise.all(queues.splice(0).map((x) => x.stop()));
    await pool.query(`TRUNCATE "Job", runs`);
  });
  afterAll(async () => {
    await Promise.all(queues.map((x) => x.stop()));
    await Promise.all([...pools, pool].map((p) => p.end()));
    await db.drop();
  });

  it('runs an enqueued job once and marks it completed', async () => {
    const qu = newQueue();
    const seen: unknown[] = [];
    qu.work('hello', async (job: Job<{ n: number }>) => {
      seen.push(job.payload);
    }).start();
    const { id } = await qu.enqueue('hello', { n: 1 });
    await until(async () => (await qu.get(id))?.state === 'COMPLETED');
    expect(seen).toEqual([{ n: 1 }]);
  });

  it('singletonKey: one live job per key; a new one once it finished', async () => {
    const qu = newQueue();
    const a = await qu.enqueue('sync', { company: 'c1' }, { singletonKey: 'c1' });
    const b = await qu.enqueue('sync', { company: 'c1' }, { singletonKey: 'c1' });
    const other = await qu.enqueue('sync', { company: 'c2' }, { singletonKey: 'c2' });
    const otherName = await qu.enqueue('notify', {}, { singletonKey: 'c1' });
    expect(a.created).toBe(true);
    expect(b).toEqual({ id: a.id, created: false });
    expect(other.created && otherName.created).toBe(true);
    qu.work('sync', async () => {});
    await qu.drain(['sync']);
    const c = await qu.enqueue('sync', {}, { singletonKey: 'c1' });
    expect(c.created).toBe(true);
    expect(c.id).not.toBe(a.id);
  });

  it('runAt: a job waits for its time (injected clock)', async () => {
    let now = new Date('2026-05-01T10:00:00Z');
    const qu = newQueue({ clock: () => now });
    let ran = 0;
    qu.work('later', async () => {
      ran++;
    });
    await qu.enqueue('later', {}, { runAt: new Date('2026-05-01T10:05:00Z') });
    expect(await qu.drain()).toBe(0);
    now = new Date('2026-05-01T10:05:00Z');
    expect(await qu.drain()).toBe(1);
    expect(ran).toBe(1);
  });

  it('a failing job retries with exponential backoff, then fails for good', async () => {
    let now = new Date('2026-05-01T10:00:00Z');
    const qu = newQueue({ clock: () => now });
    let calls = 0;
    qu.work('flaky', async () => {
      calls++;
      throw new Error(`boom ${calls}`);
    });
    const { id } = await qu.enqueue('flaky', {}, { maxAttempts: 3, backoffMs: 1000, singletonKey: 'k' });
    await qu.drain();
    let j = await qu.get(id);
    expect([j?.state, j?.attempts, j?.lastError, j?.runAt.toISOString()]).toEqual([
      'QUEUED',
      1,
      'boom 1',
      '2026-05-01T10:00:01.000Z',
    ]);
    now = new Date('2026-05-01T10:00:01Z');
    await qu.drain();
    j = await qu.get(id);
    expect([j?.attempts, j?.runAt.toISOString()]).toEqual([2, '2026-05-01T10:00:03.000Z']);
    now = new Date('2026-05-01T10:00:03Z');
    await qu.drain();
    j = await qu.get(id);
    expect([j?.state, j?.attempts, j?.lastError]).toEqual(['FAILED', 3, 'boom 3']);
    now = new Date('2026-05-01T11:00:00Z');
    expect(await qu.drain()).toBe(0);
    expect(calls).toBe(3);
    // The key is free again once the job failed for good.
    expect((await qu.enqueue('flaky', {}, { singletonKey: 'k' })).created).toBe(true);
  });

  it('{ retryAt } reschedules without spending an attempt', async () => {
    let now = new Date('2026-05-01T10:00:00Z');
    const qu = newQueue({ clock: () => now });
    let polls = 0;
    qu.work('poll', async () => {
      polls++;
      return polls < 5 ? { retryAt: new Date(now.getTime() + 2000) } : undefined;
    });
    const { id } = await qu.enqueue('poll', {}, { maxAttempts: 1 });
    for (let i = 0; i < 5; i++) {
      expect(await qu.drain()).toBe(1);
      now = new Date(now.getTime() + 2000);
    }
    const j = await qu.get(id);
    expect([j?.state, j?.attempts, polls]).toEqual(['COMPLETED', 1, 5]);
  });

  it('two workers never run one job twice', async () => {
    const runs = new Map<string, number>();
    const byWorker = new Map<string, number>();
    const handler = async (job: Job, ctx: { workerId: string }) => {
      runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
      byWorker.set(ctx.workerId, (byWorker.get(ctx.workerId) ?? 0) + 1);
      await sleep(Math.random() * 5);
    };
    const a = newQueue({ workerId: 'a' }).work('bulk', handler, { concurrency: 4 });
    const b = newQueue({ workerId: 'b' }).work('bulk', handler, { concurrency: 4 });
    const seed = newQueue();
    const ids: string[] = [];
    for (let i = 0; i < 300; i++) ids.push((await seed.enqueue('bulk', { i })).id);
    a.start();
    b.start();
    await until(async () => {
      const r = await pool.query(`SELECT count(*)::int AS n FROM "Job" WHERE state = 'COMPLETED'`);
      return r.rows[0].n === 300;
    });
    expect(runs.size).toBe(300);
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
    expect(byWorker.get('a')).toBeGreaterThan(0);
    expect(byWorker.get('b')).toBeGreaterThan(0);
  });

  it('a killed worker process: its job is resumed after the lease expires and finishes exactly once', async () => {
    const survivor = newQueue({ workerId: 'survivor', leaseMs: 1000 });
    let completions = 0;
    survivor.work('crash', async (job) => {
      await pool.query(`INSERT INTO runs (job_id, worker, event) VALUES ($1, 'survivor', 'started')`, [
        job.id,
      ]);
      completions++;
      await pool.query(`INSERT INTO runs (job_id, worker, event) VALUES ($1, 'survivor', 'finished')`, [
        job.id,
      ]);
    });
    const { id } = await survivor.enqueue('crash', { step: 1 });
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.resolve(import.meta.dirname, 'testing/crash-worker.ts'), db.url, '1000'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve) =>
      child.stdout!.on('data', (d) => String(d).includes('started') && resolve()),
    );
    expect((await survivor.get(id))?.lockedBy).toBe('doomed');
    // The doomed worker heartbeats: the survivor cannot take the job while it lives.
    await sleep(1300);
    expect(await survivor.drain()).toBe(0);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    await until(async () => (await survivor.drain()) === 1, 5000);
    const j = await survivor.get(id);
    expect([j?.state, j?.attempts]).toEqual(['COMPLETED', 2]);
    expect(completions).toBe(1);
    const r = await pool.query(`SELECT worker, event FROM runs ORDER BY at`);
    expect(r.rows).toEqual([
      { worker: 'doomed', event: 'started' },
      { worker: 'survivor', event: 'started' },
      { worker: 'survivor', event: 'finished' },
    ]);
  });

  it('a worker that lost its lease notices (signal aborted) and cannot complete the job', async () => {
    const qu = newQueue({ workerId: 'slow', leaseMs: 150 });
    let aborted = false;
    let claimed!: () => void;
    const started = new Promise<void>((r) => (claimed = r));
    qu.work('fenced', async (_job, ctx) => {
      claimed();
      await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
      aborted = true;
    }).start();
    const { id } = await qu.enqueue('fenced', {});
    await started;
    // Another worker took the job over (as after an expired lease).
    await pool.query(`UPDATE "Job" SET "lockedBy" = 'usurper' WHERE id = $1`, [id]);
    await until(() => aborted, 5000);
    await qu.stop();
    const j = await qu.get(id);
    expect([j?.state, j?.lockedBy]).toEqual(['ACTIVE', 'usurper']);
  });

  it('one claim statement a poll for every registration, and a freed slot claims at once', async () => {
    // A long poll: every statement after the first claim was caused by something, not by time.
    const qu = newQueue({ workerId: 'counted', pollMs: 60_000 });
    const sent: string[] = [];
    const qpool = pools.at(-1)!;
    const query = qpool.query.bind(qpool) as (...a: unknown[]) => unknown;
    (qpool as unknown as { query: unknown }).query = (...a: unknown[]) => {
      const t = a[0] as string | { text: string };
      sent.push(typeof t === 'string' ? t : t.text);
      return query(...a);
    };
    const ran: string[] = [];
    for (const name of ['r1', 'r2', 'r3', 'r4', 'r5'])
      qu.work(name, async (job) => {
        ran.push(`${name}:${(job.payload as { n: number }).n}`);
      });
    // Three due jobs of r3, enqueued by another process: nothing wakes this queue for them.
    const seed = newQueue();
    for (let n = 1; n <= 3; n++)
      await seed.enqueue('r3', { n }, { runAt: new Date(Date.now() - 60_000 + n) });
    qu.start();
    const completed = async () =>
      (await pool.query(`SELECT count(*)::int AS n FROM "Job" WHERE state = 'COMPLETED'`)).rows[0].n;
    // Concurrency 1: the first claim takes one r3 job; each finished job frees the full slot and
    // claims the next at once, long before the next poll.
    await until(async () => (await completed()) === 3, 10_000);
    expect(ran).toEqual(['r3:1', 'r3:2', 'r3:3']);
    await sleep(300);
    const claims = sent.filter((t) => !t.includes('COMPLETED'));
    const completes = sent.length - claims.length;
    // Five registrations polled in one statement: the start, then one after each of the three
    // finished jobs (the last finds nothing). Before, each registration sent a reaper and a claim.
    expect([claims.length, completes]).toEqual([4, 3]);
    await sleep(300);
    expect(sent.length).toBe(7);
  });

  it('a lease that expired on the last attempt fails the job; one with attempts left is claimed again', async () => {
    const now = new Date('2026-05-01T10:00:00Z');
    const qu = newQueue({ workerId: 'heir', clock: () => now });
    const seen: string[] = [];
    qu.work('orphan', async (job) => {
      seen.push((job.payload as { k: string }).k);
    });
    const spent = await qu.enqueue('orphan', { k: 'spent' }, { maxAttempts: 2 });
    const left = await qu.enqueue('orphan', { k: 'left' }, { maxAttempts: 3 });
    // A dead worker held both; its lease ran out a minute ago.
    await pool.query(
      `UPDATE "Job" SET state = 'ACTIVE', attempts = 2, "lockedBy" = 'dead',
              "leaseUntil" = '2026-05-01T09:59:00Z' WHERE id = ANY($1)`,
      [[spent.id, left.id]],
    );
    expect(await qu.drain()).toBe(1);
    expect(seen).toEqual(['left']);
    const a = await qu.get(spent.id);
    const b = await qu.get(left.id);
    expect([a?.state, a?.attempts, a?.lockedBy, a?.lastError]).toEqual([
      'FAILED',
      2,
      null,
      'the worker stopped (lease expired) on the last attempt',
    ]);
    expect([b?.state, b?.attempts]).toEqual(['COMPLETED', 3]);
    // A failed job frees its singleton slot like any finished one.
    const r = await pool.query(`SELECT "activeKey" FROM "Job" WHERE id = $1`, [spent.id]);
    expect(r.rows[0].activeKey).toBeNull();
  });
});
