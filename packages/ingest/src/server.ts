// A standalone node:http server for the ingestion endpoints (load tests, or a dedicated intake
// process). Keep-alive 65 s: Alertmanager's Go client reuses idle connections and logs EOF
// errors against Node's 5 s default.
import { readEnv } from '@aw/config';
import cluster from 'node:cluster';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import type { IngestRuntime } from './handler.ts';
import { handleNodeIngest } from './node.ts';
import { ingestRuntimeFromEnv } from './from-env.ts';

export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** node:http request (body already read) → web Request; web Response → node:http response. */
export function toWebRequest(req: http.IncomingMessage, base: string, body?: Buffer): Request {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (Array.isArray(v)) for (const x of v) headers.append(k, x);
    else if (v !== undefined) headers.set(k, v);
  }
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  // content-length may describe more than the capped body we pass on: let the body speak.
  headers.delete('content-length');
  headers.delete('transfer-encoding');
  return new Request(new URL(req.url ?? '/', base), {
    method,
    headers,
    body: hasBody ? new Uint8Array(body ?? new Uint8Array(0)) : undefined,
  });
}

export async function sendWebResponse(res: http.ServerResponse, r: Response): Promise<void> {
  res.statusCode = r.status;
  r.headers.forEach((v, k) => res.setHeader(k, v));
  const buf = Buffer.from(await r.arrayBuffer());
  res.setHeader('content-length', buf.length);
  res.end(buf);
}

export function createIngestServer(rt: IngestRuntime): http.Server {
  const server = http.createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? '/').split('?')[0]!;
      if (req.method === 'GET' && path === '/healthz') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        return;
      }
      await handleNodeIngest(req, res, rt);
    })();
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1000;
  return server;
}

/** Listens on host:port (0 = a free port) and resolves with the bound port and a close(). */
export async function serveIngest(
  rt: IngestRuntime,
  opts: { host?: string; port?: number } = {},
): Promise<{ server: http.Server; port: number; url: string; close(): Promise<void> }> {
  const server = createIngestServer(rt);
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    url: `http://${host}:${port}`,
    async close() {
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      await rt.close();
    },
  };
}

// `tsx packages/ingest/src/server.ts`: serve DATABASE_URL on HOST:INGEST_PORT (default 3100).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  // INGEST_WORKERS > 1 forks that many processes sharing the port (node:cluster), each with its
  // own pool and group-commit writer.
  const env = readEnv(['HOST', 'INGEST_PORT', 'INGEST_WORKERS']);
  const workers = env.INGEST_WORKERS;
  if (workers > 1 && cluster.isPrimary) {
    const children = Array.from({ length: workers }, () => cluster.fork());
    console.log(`[ingest] ${workers} workers`);
    const stop = () => {
      for (const c of children) if (c.process.pid) process.kill(c.process.pid, 'SIGTERM');
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  } else {
    // Alerts are stored PENDING here; a worker process (`npm run worker`) decides them.
    const rt = ingestRuntimeFromEnv();
    const s = await serveIngest(rt, {
      host: env.HOST,
      port: env.INGEST_PORT,
    });
    console.log(`[ingest] listening on ${s.url}`);
    const stop = () =>
      void s.close().then(() => {
        const st = rt.writer.stats;
        console.log(
          `[ingest] ${st.requests} requests, ${st.alerts} alerts in ${st.transactions} transactions (largest batch ${st.maxBatchRequests} requests)`,
        );
        process.exit(0);
      });
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  }
}
