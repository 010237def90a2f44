// Watch streams: newline-delimited JSON events over a chunked 200 response. Resumes from a
// resourceVersion out of the store's history (an ERROR event with a 410 Status when that is gone),
// sends synthetic ADDED events without one, turns selector transitions into ADDED/DELETED, and
// can be ended, cut or expired from the test (see Faults).
import type { ServerResponse } from 'node:http';
import { gone } from './errors.ts';
import { type ResourceType, apiVersionOf } from './resources.ts';
import { type KubeObject, type ObjectStore, type StoreEvent, resourceKey } from './store.ts';

export interface WatchRequest {
  type: ResourceType;
  namespace?: string;
  resourceVersion?: string;
  matches: (o: KubeObject) => boolean;
  timeoutSeconds?: number;
  bookmarks: boolean;
}

export class OpenWatch {
  private unsubscribe: () => void = () => {};
  private timer: NodeJS.Timeout | undefined;
  closed = false;

  constructor(
    readonly req: WatchRequest,
    private readonly res: ServerResponse,
    private readonly onClose: (w: OpenWatch) => void,
  ) {}

  start(store: ObjectStore, currentObjects: KubeObject[]): void {
    this.res.writeHead(200, {
      'Content-Type': 'application/json',
      'Transfer-Encoding': 'chunked',
      'Cache-Control': 'no-cache',
    });
    this.res.flushHeaders();
    this.res.on('close', () => this.close());
    const rv = this.req.resourceVersion;
    if (!rv || rv === '0') {
      for (const o of currentObjects) if (this.inScope(o) && this.req.matches(o)) this.send('ADDED', o);
    } else {
      const replay = store.since(Number(rv));
      if (!replay) return this.expire(`too old resource version: ${rv} (${store.oldestResumableVersion})`);
      for (const e of replay) this.deliver(e);
    }
    this.unsubscribe = store.subscribe((e) => this.deliver(e));
    if (this.req.timeoutSeconds) this.timer = setTimeout(() => this.end(), this.req.timeoutSeconds * 1000);
  }

  private inScope(o: KubeObject): boolean {
    return (
      !this.req.type.namespaced ||
      this.req.namespace === undefined ||
      o.metadata.namespace === this.req.namespace
    );
  }

  private deliver(e: StoreEvent): void {
    if (this.closed || e.resource !== resourceKey(this.req.type) || !this.inScope(e.object)) return;
    const now = this.req.matches(e.object);
    const before = e.previous !== undefined && this.req.matches(e.previous);
    if (e.type === 'ADDED' && now) this.send('ADDED', e.object);
    else if (e.type === 'DELETED' && (now || before)) this.send('DELETED', e.object);
    else if (e.type === 'MODIFIED') {
      if (now && before) this.send('MODIFIED', e.object);
      else if (now) this.send('ADDED', e.object);
      else if (before) this.send('DELETED', e.object);
    }
  }

  send(type: string, object: Record<string, unknown>): void {
    if (this.closed) return;
    const obj =
      'kind' in object && object.kind === 'Status'
        ? object
        : { ...object, apiVersion: apiVersionOf(this.req.type), kind: this.req.type.kind };
    this.res.write(`${JSON.stringify({ type, object: obj })}\n`);
  }

  bookmark(resourceVersion: number): void {
    if (!this.req.bookmarks) return;
    this.send('BOOKMARK', {
      kind: this.req.type.kind,
      apiVersion: apiVersionOf(this.req.type),
      metadata: { resourceVersion: String(resourceVersion) },
    });
  }

  /** Ends the stream with an ERROR event carrying a 410 Gone Status. */
  expire(message = 'too old resource version'): void {
    this.send('ERROR', gone(message).toStatus());
    this.end();
  }

  /** Ends the stream cleanly (as the API server does at its watch timeout). */
  end(): void {
    if (!this.closed) this.res.end();
    this.close();
  }

  /** Cuts the TCP connection without ending the chunked body. */
  drop(): void {
    this.res.socket?.destroy();
    this.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.unsubscribe();
    this.onClose(this);
  }
}
