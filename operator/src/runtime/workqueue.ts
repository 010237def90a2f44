// A controller work queue in client-go's shape: keys (`namespace/name`), never the events. A key
// is handed to one worker at a time, so one object's reconciles stay ordered while different
// objects run in parallel; a key added while it is being processed is queued again once it is
// done (at most once, however many events arrived). Failures come back after a per-key exponential
// delay combined with an overall token bucket.
import { exponentialDelay, TokenBucket } from './backoff.ts';
import { systemClock, type Clock } from './clock.ts';

export interface WorkQueueOptions {
  baseDelayMs?: number;
  maxDelayMs?: number;
  qps?: number;
  burst?: number;
  clock?: Clock;
}

export class WorkQueue {
  private queue: string[] = [];
  private queued = new Set<string>();
  private processing = new Set<string>();
  private dirty = new Set<string>();
  private failures = new Map<string, number>();
  private timers = new Map<string, { at: number; cancel(): void }>();
  private waiters: ((key: string | undefined) => void)[] = [];
  private bucket: TokenBucket;
  private clock: Clock;
  private closed = false;
  private baseDelayMs: number;
  private maxDelayMs: number;

  constructor(o: WorkQueueOptions = {}) {
    this.clock = o.clock ?? systemClock;
    this.baseDelayMs = o.baseDelayMs ?? 100;
    this.maxDelayMs = o.maxDelayMs ?? 300_000;
    this.bucket = new TokenBucket(o.qps ?? 10, o.burst ?? 100, () => this.clock.now());
  }

  get length(): number {
    return this.queue.length;
  }

  add(key: string): void {
    if (this.closed) return;
    if (this.processing.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    const w = this.waiters.shift();
    if (w) {
      this.processing.add(key);
      w(key);
      return;
    }
    this.queued.add(key);
    this.queue.push(key);
  }

  /** Adds the key after `ms`; an earlier pending delay for the key wins. */
  addAfter(key: string, ms: number): void {
    if (this.closed) return;
    if (ms <= 0) return this.add(key);
    const at = this.clock.now() + ms;
    const pending = this.timers.get(key);
    if (pending && pending.at <= at) return;
    pending?.cancel();
    const t = this.clock.setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, ms);
    this.timers.set(key, { at, cancel: t.cancel });
  }

  /** The delay the next failure of `key` gets (without recording it). */
  nextDelay(key: string): number {
    return exponentialDelay(this.failures.get(key) ?? 0, this.baseDelayMs, this.maxDelayMs);
  }

  /** After a failure: back off per key (exponential) and overall (token bucket), whichever is longer. */
  addRateLimited(key: string): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    const delay = Math.max(exponentialDelay(n, this.baseDelayMs, this.maxDelayMs), this.bucket.reserve());
    this.addAfter(key, delay);
    return delay;
  }

  /** After a success: the key's failure count starts over. */
  forget(key: string): void {
    this.failures.delete(key);
  }

  failuresOf(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** The next key to process (it is now "processing"), or undefined once the queue shut down. */
  get(): Promise<string | undefined> {
    const key = this.queue.shift();
    if (key !== undefined) {
      this.queued.delete(key);
      this.processing.add(key);
      return Promise.resolve(key);
    }
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The worker finished `key`; if it changed meanwhile it is queued again. */
  done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.delete(key)) this.add(key);
  }

  shutdown(): void {
    this.closed = true;
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
    for (const w of this.waiters.splice(0)) w(undefined);
  }
}

export interface ReconcileResult {
  requeueAfterMs?: number;
}

/**
 * Runs `workers` loops taking keys from the queue. A thrown error requeues the key with backoff;
 * a result may ask for a requeue later (periodic resync, renewals); success resets the backoff.
 */
export async function runWorkers(
  queue: WorkQueue,
  workers: number,
  reconcile: (key: string) => Promise<ReconcileResult | void>,
  onError: (key: string, err: unknown, retryInMs: number) => void,
): Promise<void> {
  const loop = async () => {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        const r = await reconcile(key);
        queue.forget(key);
        if (r?.requeueAfterMs !== undefined) queue.addAfter(key, r.requeueAfterMs);
      } catch (e) {
        onError(key, e, queue.addRateLimited(key));
      } finally {
        queue.done(key);
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, loop));
}
