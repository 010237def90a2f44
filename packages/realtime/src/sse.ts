// One Server-Sent Events connection: resume from Last-Event-ID, live events filtered by the viewer's
// scope, heartbeats, and a bounded send queue. A consumer that cannot keep up is disconnected once
// its queue exceeds `maxQueueBytes` (or it stalls for `stallTimeoutMs`): its EventSource reconnects
// with Last-Event-ID and resumes from the log, so memory stays bounded and nothing is lost.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { appMetrics } from '@aw/observability';
import type { RealtimeEvent, RealtimeMessage } from './events.ts';
import type { RealtimeSource } from './hub.ts';
import { parseEventId } from './log.ts';
import { canSeeEvent, type ViewerScope } from './scope.ts';

/** Where frames go: a Node response or a web ReadableStream controller. */
export interface SseSink {
  /** Writes a chunk; false when the consumer is congested (write no more until `onDrain`). */
  write(chunk: string): boolean;
  /** Calls `cb` once when a congested sink can take more. */
  onDrain(cb: () => void): void;
  end(): void;
}

export interface SseOptions {
  heartbeatMs?: number;
  /** Queued-but-unsent bytes at which a slow consumer is dropped (default 1 MiB). */
  maxQueueBytes?: number;
  /** A consumer congested this long is dropped even with a short queue (default 60 s). */
  stallTimeoutMs?: number;
  /** Most events replayed on resume before the client is told to refetch instead (default 500). */
  maxReplay?: number;
  /** Reconnect delay suggested to EventSource (default 2000 ms). */
  retryMs?: number;
  /** Re-checked every `revalidateMs`: false (membership removed, user disabled) ends the stream. */
  revalidate?: () => Promise<boolean>;
  revalidateMs?: number;
}

export interface SseConnectionStats {
  sentEvents: number;
  queuedBytes: number;
  peakQueuedBytes: number;
  closedReason: string | null;
}

export function formatEvent(e: RealtimeEvent): string {
  return `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;
}

export class SseConnection {
  private queue: string[] = [];
  private queuedBytes = 0;
  private congestedSince: number | null = null;
  private live = false;
  /** Events at or below the stream's start position are covered by the replay (or predate it). */
  private floor = -1n;
  /** Ids already sent by the replay; this instance's fan-out may deliver them again a bit later. */
  private replayed = new Set<string>();
  private buffered: RealtimeMessage[] = [];
  private unsubscribe: (() => void) | null = null;
  private timers: NodeJS.Timeout[] = [];
  readonly stats: SseConnectionStats = {
    sentEvents: 0,
    queuedBytes: 0,
    peakQueuedBytes: 0,
    closedReason: null,
  };
  private readonly o: Required<Omit<SseOptions, 'revalidate'>> & Pick<SseOptions, 'revalidate'>;
  private readonly onClose: Array<(reason: string) => void> = [];

  constructor(
    private readonly source: RealtimeSource,
    private readonly sink: SseSink,
    private readonly scope: ViewerScope,
    private readonly narrowToCompanyId: string | undefined,
    opts: SseOptions = {},
  ) {
    this.o = {
      heartbeatMs: opts.heartbeatMs ?? 15_000,
      maxQueueBytes: opts.maxQueueBytes ?? 1024 * 1024,
      stallTimeoutMs: opts.stallTimeoutMs ?? 60_000,
      maxReplay: opts.maxReplay ?? 500,
      retryMs: opts.retryMs ?? 2000,
      revalidateMs: opts.revalidateMs ?? 60_000,
      revalidate: opts.revalidate,
    };
    appMetrics().sseOpened();
  }

  get closed(): boolean {
    return this.stats.closedReason !== null;
  }

  whenClosed(cb: (reason: string) => void) {
    if (this.stats.closedReason !== null) cb(this.stats.closedReason);
    else this.onClose.push(cb);
  }

  /** Subscribes, replays what the client missed since `lastEventId`, then streams live events. */
  async start(lastEventIdRaw: string | null): Promise<void> {
    // Subscribe first and buffer, so nothing committed during the replay query is lost.
    this.unsubscribe = this.source.subscribe((m) => this.onMessage(m));
    this.sendRaw(`retry: ${this.o.retryMs}\n: connected\n\n`);
    try {
      await this.source.ready();
      const resumeFrom = parseEventId(lastEventIdRaw);
      const from = resumeFrom ?? (await this.source.log.maxId());
      if (this.closed) return;
      this.floor = BigInt(from);
      // `ready` carries the position, so a client that reconnects before any event resumes from here.
      this.sendRaw(`id: ${from}\nevent: ready\ndata: {}\n\n`);
      const replayed = this.replayed;
      if (resumeFrom !== null) {
        const { events, complete } = await this.source.log.after(
          resumeFrom,
          { ...this.scope, narrowToCompanyId: this.narrowToCompanyId },
          this.o.maxReplay,
        );
        if (this.closed) return;
        if (!complete) {
          const now = await this.source.log.maxId();
          this.floor = BigInt(now); // the client refetches everything up to here
          this.sendRaw(
            `id: ${now}\nevent: reset\ndata: ${JSON.stringify({ type: 'reset', reason: 'missed events are no longer in the log' })}\n\n`,
          );
        } else {
          for (const e of events) {
            replayed.add(e.id);
            this.sendEvent(e);
          }
        }
      }
      const buffered = this.buffered;
      this.buffered = [];
      this.live = true;
      for (const m of buffered) this.deliver(m);
      if (replayed.size > 0) {
        const forget = setTimeout(() => this.replayed.clear(), 60_000);
        forget.unref();
        this.timers.push(forget);
      }
    } catch (e) {
      this.close(`failed to start: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    const hb = setInterval(() => this.heartbeat(), this.o.heartbeatMs);
    hb.unref();
    this.timers.push(hb);
    if (this.o.revalidate) {
      const check = this.o.revalidate;
      const rv = setInterval(() => {
        check().then(
          (ok) => ok || this.close('access revoked'),
          () => undefined,
        );
      }, this.o.revalidateMs);
      rv.unref();
      this.timers.push(rv);
    }
  }

  private onMessage(m: RealtimeMessage) {
    if (this.closed) return;
    if (!this.live) {
      if (this.buffered.length >= this.o.maxReplay) {
        this.close('too many events while resuming');
        return;
      }
      this.buffered.push(m);
      return;
    }
    this.deliver(m);
  }

  private deliver(m: RealtimeMessage) {
    if (m.type === 'reset') {
      this.sendRaw(`event: reset\ndata: ${JSON.stringify(m)}\n\n`);
      return;
    }
    if (!canSeeEvent(this.scope, m, this.narrowToCompanyId)) return;
    if (BigInt(m.id) <= this.floor || this.replayed.has(m.id)) return;
    this.sendEvent(m);
  }

  private sendEvent(e: RealtimeEvent) {
    this.stats.sentEvents++;
    this.sendRaw(formatEvent(e));
  }

  private heartbeat() {
    if (this.closed) return;
    if (this.congestedSince !== null) {
      if (Date.now() - this.congestedSince >= this.o.stallTimeoutMs) this.close('slow consumer (stalled)');
      return;
    }
    this.sendRaw(`: heartbeat ${Date.now()}\n\n`);
  }

  private sendRaw(frame: string) {
    if (this.closed) return;
    if (this.congestedSince === null && this.queue.length === 0) {
      if (!this.sink.write(frame)) this.congested();
      return;
    }
    this.queue.push(frame);
    this.queuedBytes += Buffer.byteLength(frame);
    this.stats.queuedBytes = this.queuedBytes;
    if (this.queuedBytes > this.stats.peakQueuedBytes) this.stats.peakQueuedBytes = this.queuedBytes;
    if (this.queuedBytes > this.o.maxQueueBytes) this.close('slow consumer (queue full)');
  }

  private congested() {
    this.congestedSince = Date.now();
    this.sink.onDrain(() => this.drained());
  }

  private drained() {
    if (this.closed) return;
    this.congestedSince = null;
    while (this.queue.length > 0) {
      const frame = this.queue.shift()!;
      this.queuedBytes -= Buffer.byteLength(frame);
      this.stats.queuedBytes = this.queuedBytes;
      if (!this.sink.write(frame)) {
        this.congested();
        return;
      }
    }
  }

  /** Ends the stream and releases everything it holds. Idempotent. */
  close(reason = 'closed') {
    if (this.closed) return;
    this.stats.closedReason = reason;
    appMetrics().sseClosed();
    this.unsubscribe?.();
    this.unsubscribe = null;
    for (const t of this.timers) clearTimeout(t);
    this.replayed.clear();
    this.timers = [];
    this.queue = [];
    this.queuedBytes = 0;
    this.stats.queuedBytes = 0;
    this.buffered = [];
    try {
      this.sink.end();
    } catch {
      // the peer is already gone
    }
    for (const cb of this.onClose.splice(0)) cb(reason);
  }
}

export const SSE_HEADERS: Record<string, string> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
};

/** A sink over a Node HTTP response. */
export function nodeSink(res: ServerResponse): SseSink {
  return {
    write: (chunk) => (res.destroyed ? true : res.write(chunk)),
    onDrain: (cb) => void res.once('drain', cb),
    end: () => {
      // A congested peer would never read what is buffered: drop the socket instead of flushing.
      if (res.writableNeedDrain) res.destroy();
      else if (!res.writableEnded) res.end();
    },
  };
}

export interface SseRequestContext {
  scope: ViewerScope;
  narrowToCompanyId?: string;
  revalidate?: () => Promise<boolean>;
}

export function lastEventIdOf(headerValue: string | null | undefined, url: URL): string | null {
  return headerValue ?? url.searchParams.get('lastEventId');
}

/**
 * A Node `(req, res)` handler for the SSE stream. `resolve` turns the request into the viewer's
 * scope (from its session), or null for 401; it must never take the scope from request input.
 */
export function createNodeSseHandler(opts: {
  source: RealtimeSource;
  resolve: (req: IncomingMessage) => Promise<SseRequestContext | null>;
  options?: SseOptions;
  onConnection?: (c: SseConnection) => void;
}) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let ctx: SseRequestContext | null;
    try {
      ctx = await opts.resolve(req);
    } catch {
      ctx = null;
    }
    if (!ctx) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"sign in first"}');
      return;
    }
    res.writeHead(200, SSE_HEADERS);
    res.flushHeaders();
    const conn = new SseConnection(opts.source, nodeSink(res), ctx.scope, ctx.narrowToCompanyId, {
      ...opts.options,
      revalidate: ctx.revalidate ?? opts.options?.revalidate,
    });
    res.on('close', () => conn.close('client went away'));
    opts.onConnection?.(conn);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const header = req.headers['last-event-id'];
    await conn.start(lastEventIdOf(Array.isArray(header) ? header[0] : header, url));
  };
}

/**
 * A web `Response` streaming SSE (for a Next.js route handler). The stream's own buffer is bounded
 * by `highWaterMark`; beyond it the connection's bounded queue applies.
 */
export function sseResponse(opts: {
  source: RealtimeSource;
  ctx: SseRequestContext;
  lastEventId: string | null;
  signal?: AbortSignal;
  options?: SseOptions;
  highWaterMark?: number;
}): Response {
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let drain: (() => void) | null = null;
  let ended = false;
  let conn: SseConnection | null = null;
  const stream = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      pull() {
        const cb = drain;
        drain = null;
        cb?.();
      },
      cancel() {
        ended = true;
        conn?.close('client went away');
      },
    },
    { highWaterMark: opts.highWaterMark ?? 64 * 1024, size: (chunk) => chunk.byteLength },
  );
  const sink: SseSink = {
    write(chunk) {
      if (ended) return true;
      try {
        controller.enqueue(encoder.encode(chunk));
      } catch {
        // The stream was cancelled without telling us: release the connection.
        ended = true;
        queueMicrotask(() => conn?.close('client went away'));
        return true;
      }
      return (controller.desiredSize ?? 0) > 0;
    },
    onDrain(cb) {
      drain = cb;
    },
    end() {
      if (ended) return;
      ended = true;
      try {
        controller.close();
      } catch {
        // already errored or cancelled
      }
    },
  };
  conn = new SseConnection(opts.source, sink, opts.ctx.scope, opts.ctx.narrowToCompanyId, {
    ...opts.options,
    revalidate: opts.ctx.revalidate ?? opts.options?.revalidate,
  });
  opts.signal?.addEventListener('abort', () => conn?.close('client went away'), { once: true });
  void conn.start(opts.lastEventId);
  return new Response(stream, { headers: SSE_HEADERS });
}
