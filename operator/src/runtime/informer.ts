// List + watch into a local cache, with the recovery rules of client-go's reflector:
// - start with a full list, then watch from the list's resourceVersion;
// - a watch that ends (server timeout) or drops (connection reset) resumes from the last
//   resourceVersion seen (events and BOOKMARKs both move it), so nothing is missed or replayed;
// - a 410 Gone (as an HTTP status or as an ERROR event in the stream) means that version is no
//   longer in the server's history: relist, and report the difference as updates and deletes.
// Handlers get the object; controllers turn it into a work-queue key and never look at the event
// type.
import { backoffDelay } from './backoff.ts';
import { sleep, systemClock, type Clock } from './clock.ts';
import type { ListResult } from './kube.ts';
import type { Logger } from '../observability/log.ts';

export interface KubeObject {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string; uid?: string };
}

export interface WatchStarter {
  watch(
    path: string,
    query: Record<string, string | number | boolean | undefined>,
    onEvent: (type: string, obj: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<{ abort(): void }>;
}

export interface InformerOptions<T> {
  resource: string;
  list: () => Promise<ListResult<T>>;
  watchPath: string;
  watchQuery?: Record<string, string>;
  watcher: WatchStarter;
  onUpsert?: (obj: T) => void;
  onDelete?: (obj: T) => void;
  /** After each full list (the first one = synced). */
  onRelist?: (cause: RelistCause) => void;
  log: Logger;
  clock?: Clock;
  /** Server-side watch timeout; the watch is then resumed (not relisted). */
  watchTimeoutSeconds?: number;
}

export type RelistCause = 'initial' | 'gone' | 'error';

export function objectKey(o: KubeObject): string {
  const m = o.metadata ?? {};
  return m.namespace ? `${m.namespace}/${m.name}` : (m.name ?? '');
}

class GoneError extends Error {}

function isGone(err: unknown): boolean {
  if (err instanceof GoneError) return true;
  const e = err as { statusCode?: number; code?: number } | null;
  return e?.statusCode === 410 || e?.code === 410;
}

export class Informer<T extends KubeObject> {
  readonly store = new Map<string, T>();
  private resourceVersion = '';
  private stopped = false;
  private current: { abort(): void } | null = null;
  private synced = false;
  private syncWaiters: (() => void)[] = [];
  private clock: Clock;
  /** Watches started since the last list; tests read it to see a resume. */
  watchesSinceList = 0;
  lastWatchResourceVersion = '';

  constructor(private o: InformerOptions<T>) {
    this.clock = o.clock ?? systemClock;
  }

  get hasSynced(): boolean {
    return this.synced;
  }

  waitForSync(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((r) => this.syncWaiters.push(r));
  }

  list(): T[] {
    return [...this.store.values()];
  }

  start(): void {
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.current?.abort();
  }

  private async relist(cause: RelistCause): Promise<void> {
    const r = await this.o.list();
    const seen = new Set<string>();
    for (const item of r.items) {
      const k = objectKey(item);
      seen.add(k);
      const prev = this.store.get(k);
      this.store.set(k, item);
      if (!prev || prev.metadata?.resourceVersion !== item.metadata?.resourceVersion) this.o.onUpsert?.(item);
    }
    for (const [k, prev] of [...this.store]) {
      if (seen.has(k)) continue;
      this.store.delete(k);
      this.o.onDelete?.(prev);
    }
    this.resourceVersion = r.resourceVersion;
    this.watchesSinceList = 0;
    this.o.onRelist?.(cause);
    if (!this.synced) {
      this.synced = true;
      for (const w of this.syncWaiters.splice(0)) w();
    }
  }

  private async run(): Promise<void> {
    let needList: RelistCause | null = 'initial';
    let failures = 0;
    while (!this.stopped) {
      try {
        if (needList) {
          await this.relist(needList);
          needList = null;
        }
        const ended = await this.watchOnce();
        if (ended === 'gone') {
          this.o.log.info('watch history gone (410), relisting', { resource: this.o.resource });
          needList = 'gone';
        }
        failures = 0;
      } catch (e) {
        if (this.stopped) return;
        if (isGone(e)) {
          this.o.log.info('watch history gone (410), relisting', { resource: this.o.resource });
          needList = 'gone';
          continue;
        }
        failures++;
        // A failed list is retried as a list; a failed watch resumes from the last version.
        if (needList === null && failures > 5) needList = 'error';
        const delay = backoffDelay(failures - 1, { baseMs: 200, maxMs: 30_000 });
        this.o.log.warn('watch failed, retrying', { resource: this.o.resource, error: e, retryInMs: delay });
        await sleep(this.clock, delay);
      }
    }
  }

  /** One watch request from the current resourceVersion until it ends. */
  private watchOnce(): Promise<'ended' | 'gone'> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (v: 'ended' | 'gone' | Error) => {
        if (settled) return;
        settled = true;
        this.current?.abort();
        this.current = null;
        if (v instanceof Error) reject(v);
        else resolve(v);
      };
      this.watchesSinceList++;
      this.lastWatchResourceVersion = this.resourceVersion;
      this.o.watcher
        .watch(
          this.o.watchPath,
          {
            ...this.o.watchQuery,
            resourceVersion: this.resourceVersion || undefined,
            allowWatchBookmarks: true,
            timeoutSeconds: this.o.watchTimeoutSeconds ?? 300,
          },
          (type, obj) => {
            if (settled) return;
            if (type === 'ERROR') {
              const code = (obj as { code?: number } | null)?.code;
              finish(code === 410 ? 'gone' : new Error(`watch error event ${JSON.stringify(obj)}`));
              return;
            }
            const o = obj as T;
            const rv = o.metadata?.resourceVersion;
            if (rv) this.resourceVersion = rv;
            if (type === 'BOOKMARK') return;
            const k = objectKey(o);
            if (type === 'DELETED') {
              this.store.delete(k);
              this.o.onDelete?.(o);
            } else {
              this.store.set(k, o);
              this.o.onUpsert?.(o);
            }
          },
          (err) => {
            if (!err) return finish('ended');
            if (isGone(err)) return finish('gone');
            if (this.stopped) return finish('ended');
            finish(err instanceof Error ? err : new Error(String(err)));
          },
        )
        .then((ctl) => {
          if (settled || this.stopped) ctl.abort();
          else this.current = ctl;
        })
        .catch((e: unknown) => finish(e instanceof Error ? e : new Error(String(e))));
    });
  }
}
