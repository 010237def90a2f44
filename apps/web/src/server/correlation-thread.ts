// Correlation on its own event loop: a worker thread of a process of role `all` (CORRELATION_THREAD).
// The intake, the pages and the SSE fan-out keep the main thread; the correlation turns (the engine,
// the turn's JSON, its round trips) run in the thread with a pool of their own, so neither waits for
// the other's synchronous work. The thread's side is correlation-thread.worker.ts.
//
// What crosses the boundary (structured clone): the companies of each committed batch (main →
// thread), each turn's count and time for the metrics and a turn's incident events for this process's
// incident listeners (thread → main; the thread waits for their answer, so the listeners' backlog
// stays bounded as in CorrelationWorker). The live push does not cross: the thread publishes it
// itself (INSERT … NOTIFY), and this process's LISTEN session fans it out like any other event.
//
// Nothing is lost when the thread dies: decisions rest on the database (company lock, PENDING
// alerts), and the next thread's start-up sweep decides what was left. It is started again after
// `restartMs`, doubling up to 30 s.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CorrelationWorkerOptions, IncidentChangedEvent, TurnStages } from '@aw/correlation';
import type { RealtimeSettings } from '@aw/realtime';

/** `application_name` of the thread's connections (pg_stat_activity tells them apart). */
export const THREAD_APPLICATION_NAME = 'aw-correlation-thread';

/** What the composition root needs of correlation, in-process or in a thread. */
export interface CorrelationRunner {
  /** Ingestion's hand-over after a commit (never throws). */
  alertsStored(batch: { companyId: string; alertIds: bigint[] }[]): void;
  drainCompany(companyId: string): Promise<number>;
  sweep(): Promise<number>;
  start(): unknown;
  stop(): Promise<void>;
  /** Alerts decided since start. */
  readonly decided: number;
}

/** The worker options that can cross to the thread (plain data; a clock or a logger cannot). */
const THREAD_OPTION_KEYS = [
  'batchSize',
  'sweepIntervalMs',
  'tickIntervalMs',
  'concurrency',
  'budget',
  'maxUnpublished',
  'minTurnIntervalMs',
  'turnIntervalFactor',
  'liveWindowMs',
  'listenerWindowMs',
] as const satisfies readonly (keyof CorrelationWorkerOptions)[];
export type ThreadWorkerOptions = Pick<CorrelationWorkerOptions, (typeof THREAD_OPTION_KEYS)[number]>;

/** The options of `o` the thread can take; unset ones are left out (not sent as undefined). */
export function threadWorkerOptions(o: Partial<CorrelationWorkerOptions> = {}): ThreadWorkerOptions {
  return Object.fromEntries(THREAD_OPTION_KEYS.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
}

export interface ThreadData {
  connectionString: string;
  realtime: RealtimeSettings;
  options: ThreadWorkerOptions;
  poolMax: number;
}

export type HostMessage =
  | { t: 'stored'; companyIds: string[] }
  | { t: 'drain'; id: number; companyId: string }
  | { t: 'sweep'; id: number }
  | { t: 'ack'; id: number }
  | { t: 'stop' };

export type ThreadMessage =
  | { t: 'ready' }
  | { t: 'turn'; companyId: string; decided: number; seconds: number; stages?: TurnStages }
  | { t: 'changed'; id: number; events: IncidentChangedEvent[] }
  | { t: 'result'; id: number; value?: number; error?: string };

export interface CorrelationThreadOptions extends Omit<ThreadData, 'poolMax'> {
  poolMax?: number;
  /** A turn's incident events, in decision order (this process's incident listeners). */
  onIncidentsChanged(events: IncidentChangedEvent[]): unknown;
  onTurn?(turn: { companyId: string; decided: number; seconds: number; stages?: TurnStages }): void;
  /** The thread died and will be started again (the app counts it on /metrics). */
  onRestart?(): void;
  logger?: Pick<Console, 'error' | 'warn'>;
  /** First delay before starting a dead thread again (doubles up to 30 s). Default 1 s. */
  restartMs?: number;
  /** How long stop() waits for the thread to finish its turns before terminating it. Default 10 s. */
  stopTimeoutMs?: number;
}

// Beside this file in the source tree. Under Next.js the bundler rewrites import.meta.url to the
// source file's URL; the thread loads its TypeScript through tsx (the boot file).
const here = path.dirname(fileURLToPath(import.meta.url));
const BOOT = path.join(here, 'correlation-thread.boot.mjs');
const ENTRY = path.join(here, 'correlation-thread.worker.ts');

/** Whether the thread's files are here (not in a standalone build, which has no sources). */
export function correlationThreadAvailable(): boolean {
  return existsSync(BOOT) && existsSync(ENTRY);
}

interface Pending {
  resolve(n: number): void;
  reject(e: Error): void;
}

export class CorrelationThread implements CorrelationRunner {
  decided = 0;
  /** Times the thread was started (1 + restarts). */
  starts = 0;
  private worker: Worker | null = null;
  private ready = false;
  private stopping = false;
  private stopped: Promise<void> | null = null;
  private delay: number;
  private restartTimer: NodeJS.Timeout | null = null;
  private seq = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly logger: Pick<Console, 'error' | 'warn'>;

  constructor(private readonly o: CorrelationThreadOptions) {
    this.delay = o.restartMs ?? 1000;
    this.logger = o.logger ?? console;
  }

  start(): this {
    if (!this.worker && !this.stopping) this.spawn();
    return this;
  }

  private spawn(): void {
    const data: ThreadData = {
      connectionString: this.o.connectionString,
      realtime: this.o.realtime,
      options: this.o.options,
      poolMax: this.o.poolMax ?? 4,
    };
    // Started from a one-line script that imports the boot file: given the file itself, the
    // bundler would try to bundle the thread (and tsx) into the server build.
    const w = new Worker(`import(${JSON.stringify(pathToFileURL(BOOT).href)})`, {
      eval: true,
      name: 'aw-correlation',
      workerData: { entry: pathToFileURL(ENTRY).href, data },
    });
    this.starts++;
    this.worker = w;
    this.ready = false;
    w.on('message', (m: ThreadMessage) => this.onMessage(m));
    w.on('error', (e) => this.logger.error(`[correlation thread] ${e.message}`));
    w.on('exit', (code) => this.onExit(w, code));
  }

  private onMessage(m: ThreadMessage): void {
    switch (m.t) {
      case 'ready':
        this.ready = true;
        this.delay = this.o.restartMs ?? 1000;
        return;
      case 'turn':
        this.decided += m.decided;
        try {
          this.o.onTurn?.(m);
        } catch (e) {
          this.logger.warn(`[correlation thread] onTurn failed: ${(e as Error).message}`);
        }
        return;
      case 'changed':
        // The thread holds its next turn only past its backlog limit; it learns here when the
        // listeners are done with these events.
        void Promise.resolve()
          .then(() => this.o.onIncidentsChanged(m.events))
          .catch((e: unknown) => this.logger.error(`[correlation thread] listeners: ${(e as Error).message}`))
          .finally(() => this.post({ t: 'ack', id: m.id }));
        return;
      case 'result': {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (m.error !== undefined) p?.reject(new Error(m.error));
        else p?.resolve(m.value ?? 0);
        return;
      }
    }
  }

  private onExit(w: Worker, code: number): void {
    if (this.worker !== w) return;
    this.worker = null;
    this.ready = false;
    for (const p of this.pending.values()) p.reject(new Error('the correlation thread stopped'));
    this.pending.clear();
    if (this.stopping) return;
    const wait = this.delay;
    this.delay = Math.min(this.delay * 2, 30_000);
    this.logger.error(`[correlation thread] exited (code ${code}); starting it again in ${wait} ms`);
    try {
      this.o.onRestart?.();
    } catch {
      // counting must not stop the restart
    }
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.start();
    }, wait);
    this.restartTimer.unref();
  }

  private post(m: HostMessage): boolean {
    if (!this.worker) return false;
    this.worker.postMessage(m);
    return true;
  }

  private request(m: { t: 'drain'; companyId: string } | { t: 'sweep' }): Promise<number> {
    const id = ++this.seq;
    return new Promise<number>((resolve, reject) => {
      if (!this.worker) return reject(new Error('the correlation thread is not running'));
      this.pending.set(id, { resolve, reject });
      this.post({ ...m, id });
    });
  }

  /** Ingestion's hand-over: the companies go to the thread (a dead thread's successor sweeps). */
  alertsStored(batch: { companyId: string; alertIds: bigint[] }[]): void {
    if (!batch.length) return;
    const companyIds =
      batch.length === 1 ? [batch[0]!.companyId] : [...new Set(batch.map((b) => b.companyId))];
    this.post({ t: 'stored', companyIds });
  }

  drainCompany(companyId: string): Promise<number> {
    return this.request({ t: 'drain', companyId });
  }

  sweep(): Promise<number> {
    return this.request({ t: 'sweep' });
  }

  /** Ends the thread as a crash would (tests): it is started again after `restartMs`. */
  async kill(): Promise<void> {
    await this.worker?.terminate();
  }

  /** Whether the thread is up and has started its worker. */
  get running(): boolean {
    return this.ready;
  }

  /** Lets the thread finish its turns and its listeners' events, then ends it. */
  stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const w = this.worker;
    if (!w) return Promise.resolve();
    this.stopped ??= new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.logger.warn('[correlation thread] did not stop in time: terminated');
        void w.terminate();
      }, this.o.stopTimeoutMs ?? 10_000);
      timer.unref();
      w.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      w.postMessage({ t: 'stop' } satisfies HostMessage);
    });
    return this.stopped;
  }
}
