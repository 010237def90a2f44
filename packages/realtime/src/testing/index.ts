// Test and bench helpers: a minimal SSE client over node:http, and an SSE app instance.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { PgRealtimeHub } from '../hub.ts';
import { createNodeSseHandler, type SseConnection, type SseOptions, type SseRequestContext } from '../sse.ts';

export interface SseFrame {
  id?: string;
  event: string;
  data: string;
  /** performance.now() at receipt: for intervals measured on this process's clock. */
  receivedAt: number;
  /**
   * Date.now() at receipt: for intervals that start at a database timestamp. The wall clock is the
   * one PostgreSQL stamps rows with; performance.timeOrigin + receivedAt drifts from it whenever the
   * wall clock is stepped or the machine was paused, and such a difference then came out negative.
   */
  receivedAtWall: number;
}

export interface SseClient {
  frames: SseFrame[];
  status: Promise<number>;
  /** The last `id:` seen, like EventSource's lastEventId. */
  lastEventId(): string | null;
  events(type?: string): { id: string; type: string; companyId: string | null; payload: unknown }[];
  waitFor(pred: (f: SseFrame[]) => boolean, timeoutMs?: number): Promise<void>;
  closed: Promise<void>;
  close(): void;
}

/** Connects to an SSE URL and parses frames as they arrive. */
export function connectSse(url: string, headers: Record<string, string> = {}): SseClient {
  const frames: SseFrame[] = [];
  let last: string | null = null;
  const waiters = new Set<() => void>();
  let resolveStatus!: (n: number) => void;
  let resolveClosed!: () => void;
  const status = new Promise<number>((r) => (resolveStatus = r));
  const closed = new Promise<void>((r) => (resolveClosed = r));
  const req = http.get(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
    resolveStatus(res.statusCode ?? 0);
    res.setEncoding('utf8');
    let buf = '';
    res.on('data', (chunk: string) => {
      buf += chunk;
      let idx: number;
      while ((idx = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, idx);
        buf = buf.slice(idx + 2);
        const f: SseFrame = {
          event: 'message',
          data: '',
          receivedAt: performance.now(),
          receivedAtWall: Date.now(),
        };
        let hasField = false;
        for (const line of block.split('\n')) {
          if (line.startsWith(':') || line === '') continue;
          const c = line.indexOf(':');
          const field = c < 0 ? line : line.slice(0, c);
          const value = c < 0 ? '' : line.slice(c + 1).replace(/^ /, '');
          if (field === 'id') {
            f.id = value;
            last = value;
          } else if (field === 'event') f.event = value;
          else if (field === 'data') f.data = f.data ? `${f.data}\n${value}` : value;
          else continue;
          hasField = true;
        }
        if (hasField && (f.data || f.event !== 'message')) frames.push(f);
      }
      for (const w of [...waiters]) w();
    });
    res.on('close', () => {
      resolveClosed();
      for (const w of [...waiters]) w();
    });
  });
  req.on('error', () => {
    resolveStatus(0);
    resolveClosed();
  });
  return {
    frames,
    status,
    closed,
    lastEventId: () => last,
    events(type) {
      return frames
        .filter((f) => f.id && f.event !== 'ready' && f.event !== 'reset' && (!type || f.event === type))
        .map((f) => JSON.parse(f.data));
    },
    waitFor(pred, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        if (pred(frames)) return resolve();
        const t = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out; frames: ${JSON.stringify(frames.map((f) => [f.event, f.id]))}`));
        }, timeoutMs);
        const check = () => {
          if (!pred(frames)) return;
          clearTimeout(t);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
      });
    },
    close() {
      req.destroy();
    },
  };
}

export interface SseInstance {
  hub: PgRealtimeHub;
  pool: pg.Pool;
  url: string;
  connections: SseConnection[];
  close(): Promise<void>;
}

/**
 * One "app instance": its own pool, hub (LISTEN connection) and HTTP server on a free loopback
 * port. `sessions` maps a bearer token to a scope, standing in for the session lookup.
 */
export async function startSseInstance(opts: {
  databaseUrl: string;
  sessions: Record<string, SseRequestContext['scope']>;
  options?: SseOptions;
  retentionMs?: number;
  onNotified?: (seconds: number) => void;
}): Promise<SseInstance> {
  const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 4 });
  const hub = new PgRealtimeHub({
    pool,
    connectionString: opts.databaseUrl,
    pruneEveryMs: 0,
    retentionMs: opts.retentionMs,
    ...(opts.onNotified ? { onNotified: opts.onNotified } : {}),
  });
  await hub.ready();
  const connections: SseConnection[] = [];
  const handler = createNodeSseHandler({
    source: hub,
    options: opts.options,
    onConnection: (c) => connections.push(c),
    async resolve(req) {
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const scope = token ? opts.sessions[token] : undefined;
      if (!scope) return null;
      const narrow = new URL(req.url ?? '/', 'http://x').searchParams.get('companyId') ?? undefined;
      if (narrow && scope.companyId && narrow !== scope.companyId) return null;
      return { scope, narrowToCompanyId: narrow };
    },
  });
  const server = http.createServer((req, res) => void handler(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    hub,
    pool,
    url: `http://127.0.0.1:${port}/stream`,
    connections,
    async close() {
      for (const c of connections) c.close('test over');
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await hub.close();
      await pool.end();
    },
  };
}
