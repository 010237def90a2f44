// Drains the on-disk queue upstream, one batch at a time, in queue order (so every asset's alerts
// arrive in the order they were accepted). Before a batch is sent its range and Idempotency-Key are
// written to `inflight.json` (fsynced): after a crash the same records go out again under the same
// key, and the app answers the stored result instead of storing them twice. A batch is acknowledged
// (the `ack` offset moves) only after a 2xx. Transient failures (no answer, 408, 429, 5xx, 401/403
// while credentials get fixed) are retried forever with exponential backoff and full jitter;
// a 400/413/422 means the app will never take that alert: the batch is split down to the one bad
// alert, which goes to `dead-letter.jsonl` so it does not block the rest.
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { systemClock, sleep, type Clock } from '../runtime/clock.ts';
import { backoffDelay } from '../runtime/backoff.ts';
import type { Logger } from '../observability/log.ts';
import type { Metrics } from '../observability/metrics.ts';
import { errorMessage, retryAfterMs, type UpstreamClient } from '../upstream/client.ts';
import { writeFileDurable, type DiskQueue, type QueuedRecord } from './disk-queue.ts';

export interface SenderOptions {
  maxBatchAlerts?: number;
  maxBatchBytes?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  idleWaitMs?: number;
  clock?: Clock;
  random?: () => number;
}

interface Inflight {
  first: number;
  last: number;
  key: string;
}

export interface SenderState {
  lastDelivery: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  consecutiveFailures: number;
  forwarded: number;
}

const PERMANENT = new Set([400, 413, 422]);

export class Sender {
  readonly state: SenderState = {
    lastDelivery: null,
    lastError: null,
    lastErrorAt: null,
    consecutiveFailures: 0,
    forwarded: 0,
  };
  private abort = new AbortController();
  private wakeUp: (() => void) | null = null;
  private running: Promise<void> | null = null;
  private queueId = '';
  /** While isolating a refused alert: send one at a time up to this sequence number. */
  private singleUntil = -1;
  private readonly o: Required<Omit<SenderOptions, 'clock' | 'random'>> & {
    clock: Clock;
    random: () => number;
  };

  constructor(
    private queue: DiskQueue,
    private client: UpstreamClient,
    private metrics: Metrics,
    private log: Logger,
    o: SenderOptions = {},
  ) {
    this.o = {
      maxBatchAlerts: o.maxBatchAlerts ?? 200,
      maxBatchBytes: o.maxBatchBytes ?? 512 * 1024,
      backoffBaseMs: o.backoffBaseMs ?? 1000,
      backoffMaxMs: o.backoffMaxMs ?? 60_000,
      idleWaitMs: o.idleWaitMs ?? 5000,
      clock: o.clock ?? systemClock,
      random: o.random ?? Math.random,
    };
  }

  /** New records are in the queue (or credentials changed): stop waiting. */
  wake(): void {
    const w = this.wakeUp;
    this.wakeUp = null;
    w?.();
  }

  start(): void {
    if (this.running) return;
    this.running = this.run().catch((e) => this.log.error('sender stopped', { error: e }));
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.wake();
    await this.running;
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wakeUp = resolve;
      void sleep(this.o.clock, ms, this.abort.signal).then(() => {
        if (this.wakeUp === resolve) this.wakeUp = null;
        resolve();
      });
    });
  }

  private async loadQueueId(): Promise<string> {
    const file = path.join(this.queue.dir, 'queue-id');
    try {
      return (await fs.readFile(file, 'utf8')).trim();
    } catch {
      const id = randomUUID();
      await writeFileDurable(this.queue.dir, 'queue-id', id);
      return id;
    }
  }

  private async readInflight(): Promise<Inflight | null> {
    try {
      const v = JSON.parse(await fs.readFile(path.join(this.queue.dir, 'inflight.json'), 'utf8')) as Inflight;
      // A batch acknowledged after its record was written is done.
      return v.first >= this.queue.ackedThrough ? v : null;
    } catch {
      return null;
    }
  }

  private async nextBatch(): Promise<{ batch: Inflight; records: QueuedRecord[] } | null> {
    const inflight = await this.readInflight();
    if (inflight) {
      const records = (await this.queue.read(inflight.first, inflight.last - inflight.first + 1)).filter(
        (r) => r.seq <= inflight.last,
      );
      if (records.length) return { batch: inflight, records };
    }
    const from = this.queue.ackedThrough;
    const max = from <= this.singleUntil ? 1 : this.o.maxBatchAlerts;
    const records = await this.queue.read(from, max, this.o.maxBatchBytes);
    if (!records.length) return null;
    const first = records[0]!.seq;
    const last = records.at(-1)!.seq;
    const batch = { first, last, key: `aw-op-${this.queueId}-${first}-${last}` };
    await writeFileDurable(this.queue.dir, 'inflight.json', JSON.stringify(batch));
    return { batch, records };
  }

  private fail(reason: string, message: string): void {
    this.state.consecutiveFailures++;
    this.state.lastError = message;
    this.state.lastErrorAt = new Date(this.o.clock.now());
    this.metrics.failures.inc({ reason });
  }

  private async run(): Promise<void> {
    this.queueId = await this.loadQueueId();
    while (!this.abort.signal.aborted) {
      if (!this.client.configured) {
        await this.wait(this.o.idleWaitMs);
        continue;
      }
      let retryIn: number;
      try {
        const next = await this.nextBatch();
        if (!next) {
          await this.wait(this.o.idleWaitMs);
          continue;
        }
        retryIn = await this.deliver(next.batch, next.records);
      } catch (e) {
        // A local fault (disk): the batch stays queued and in flight; try again later.
        this.fail('local', (e as Error).message);
        this.log.error('sender fault, will retry', { error: e });
        retryIn = Math.max(this.o.backoffBaseMs, 1000);
      }
      if (retryIn === 0) continue;
      this.metrics.retries.inc();
      await this.wait(retryIn);
    }
  }

  /** Sends one batch; 0 when it is settled (delivered or dead-lettered), else the retry delay. */
  private async deliver(batch: Inflight, records: QueuedRecord[]): Promise<number> {
    const body = Buffer.concat([
      Buffer.from('{"alerts":['),
      ...records.flatMap((r, i) => (i ? [Buffer.from(','), r.data] : [r.data])),
      Buffer.from(']}'),
    ]);
    const backoff = () =>
      backoffDelay(this.state.consecutiveFailures - 1, {
        baseMs: this.o.backoffBaseMs,
        maxMs: this.o.backoffMaxMs,
        random: this.o.random,
      });
    let res;
    try {
      res = await this.client.request('POST', 'api/v1/alerts', body, { 'idempotency-key': batch.key });
    } catch (e) {
      this.fail('network', (e as Error).message);
      this.log.warn('upstream unreachable, will retry', { error: e, batch: batch.key });
      return Math.max(backoff(), 1);
    }
    if (res.status >= 200 && res.status < 300) {
      await this.queue.ack(batch.last + 1);
      this.state.consecutiveFailures = 0;
      this.state.forwarded += records.length;
      this.state.lastDelivery = new Date(this.o.clock.now());
      this.metrics.forwarded.inc(records.length);
      this.metrics.batches.inc();
      this.log.debug('batch delivered', { batch: batch.key, alerts: records.length, status: res.status });
      return 0;
    }
    if (PERMANENT.has(res.status)) {
      if (records.length > 1) {
        // Find the alert the app refuses: resend this range one by one.
        this.singleUntil = batch.last;
        await fs.rm(path.join(this.queue.dir, 'inflight.json'), { force: true });
        this.log.warn('upstream refused a batch, isolating the bad alert', {
          batch: batch.key,
          error: errorMessage(res),
        });
        return 0;
      }
      await this.deadLetter(records[0]!, errorMessage(res));
      await this.queue.ack(batch.last + 1);
      this.fail('rejected', errorMessage(res));
      this.metrics.deadLettered.inc();
      return 0;
    }
    const reason =
      res.status === 401 || res.status === 403
        ? 'unauthorized'
        : res.status === 429
          ? 'throttled'
          : `http_${res.status}`;
    this.fail(reason, errorMessage(res));
    this.log.warn('upstream did not take the batch, will retry', {
      batch: batch.key,
      status: res.status,
      error: errorMessage(res),
    });
    return Math.max(backoff(), retryAfterMs(res.headers) ?? 0, 1);
  }

  private async deadLetter(r: QueuedRecord, error: string): Promise<void> {
    const line = JSON.stringify({
      at: new Date(this.o.clock.now()).toISOString(),
      seq: r.seq,
      error,
      alert: JSON.parse(r.data.toString('utf8')),
    });
    const h = await fs.open(path.join(this.queue.dir, 'dead-letter.jsonl'), 'a');
    try {
      await h.write(line + '\n');
      await h.sync();
    } finally {
      await h.close();
    }
    this.log.error('alert refused by the app, kept in dead-letter.jsonl', { seq: r.seq, error });
  }
}
