// Fault injection for tests: end, cut or expire open watches, forget watch history (410 Gone on
// resume), and fail the next matching requests with a chosen status.
import type { ObjectStore } from './store.ts';
import type { OpenWatch } from './watch.ts';

export interface RequestRecord {
  method: string;
  path: string;
  query: string;
  contentType?: string;
}

interface Failure {
  method?: string;
  path: RegExp;
  status: number;
  reason: string;
  remaining: number;
}

export class Faults {
  readonly watches = new Set<OpenWatch>();
  readonly requests: RequestRecord[] = [];
  private readonly failures: Failure[] = [];
  private readonly watchWaiters: { path: RegExp; resolve: () => void }[] = [];

  constructor(private readonly store: ObjectStore) {}

  /** Number of open watch streams, optionally only those whose resource plural matches. */
  openWatches(plural?: string): number {
    return [...this.watches].filter((w) => !plural || w.req.type.plural === plural).length;
  }

  /** Resolves when a watch on `plural` is (or becomes) open. */
  waitForWatch(plural: string): Promise<void> {
    if (this.openWatches(plural) > 0) return Promise.resolve();
    return new Promise((resolve) => this.watchWaiters.push({ path: new RegExp(`^${plural}$`), resolve }));
  }

  watchOpened(w: OpenWatch): void {
    this.watches.add(w);
    for (let i = this.watchWaiters.length - 1; i >= 0; i--) {
      const waiter = this.watchWaiters[i];
      if (waiter && waiter.path.test(w.req.type.plural)) {
        this.watchWaiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }

  private select(plural?: string): OpenWatch[] {
    return [...this.watches].filter((w) => !plural || w.req.type.plural === plural);
  }

  /** Ends open watches cleanly, as the API server does at its watch timeout. */
  endWatches(plural?: string): number {
    const ws = this.select(plural);
    for (const w of ws) w.end();
    return ws.length;
  }

  /** Destroys the TCP connections under open watches (no clean end of the chunked body). */
  dropConnections(plural?: string): number {
    const ws = this.select(plural);
    for (const w of ws) w.drop();
    return ws.length;
  }

  /** Forgets watch history and sends 410 Gone on open watches: resuming requires a relist. */
  expireWatches(plural?: string): number {
    this.store.compact();
    const ws = this.select(plural);
    for (const w of ws) w.expire();
    return ws.length;
  }

  /** Forgets watch history only: the next resume from an older resourceVersion gets 410 Gone. */
  compact(): void {
    this.store.compact();
  }

  /** Sends a BOOKMARK with the current resourceVersion on watches that asked for bookmarks. */
  bookmark(): void {
    for (const w of this.watches) w.bookmark(this.store.resourceVersion);
  }

  /** The next `times` requests matching `method` and `path` fail with `status`. */
  failNext(opts: {
    method?: string;
    path: RegExp | string;
    status: number;
    reason?: string;
    times?: number;
  }): void {
    this.failures.push({
      method: opts.method?.toUpperCase(),
      path:
        typeof opts.path === 'string'
          ? new RegExp(`^${opts.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`)
          : opts.path,
      status: opts.status,
      reason: opts.reason ?? 'InternalError',
      remaining: opts.times ?? 1,
    });
  }

  /** The injected failure for this request, if any (consumes one use). */
  take(method: string, path: string): Failure | undefined {
    const f = this.failures.find(
      (x) => x.remaining > 0 && (!x.method || x.method === method) && x.path.test(path),
    );
    if (f) f.remaining--;
    return f;
  }

  clearFailures(): void {
    this.failures.length = 0;
  }
}
