// A standalone node:http server for the ingestion endpoints (load tests, or a dedicated intake
// process). Keep-alive 65 s: Alertmanager's Go client reuses idle connections and logs EOF
// errors against Node's 5 s default.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { handleIngest, type IngestRuntime } from './handler.ts';

export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** node:http request → web Request (body streamed), web Response → node:http response. */
export function toWebRequest(req: http.IncomingMessage, base: string): Request {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (Array.isArray(v)) for (const x of v) headers.append(k, x);
    else if (v !== undefined) headers.set(k, v);
  }
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  return new Request(new URL(req.url ?? '/', base), {
    method,
    headers,
    body: hasBody ? (req as unknown as ReadableStream) : undefined,
    // @ts-expect-error Node's fetch needs duplex for a streamed body
    duplex: 'half',
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
      try {
        const path = (req.url ?? '/').split('?')[0]!;
        if (req.method === 'GET' && path === '/healthz') {
          res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
          return;
        }
        const webReq = toWebRequest(req, `http://${req.headers.host ?? 'localhost'}`);
        await sendWebResponse(res, await handleIngest(webReq, rt));
      } catch (e) {
        rt.logger.error('server error', { error: (e as Error).message });
        if (!res.headersSent) res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
        res.end('{"error":{"code":"UNAVAILABLE","message":"retry"}}');
      }
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
  const { getDefaultIngestRuntime } = await import('./runtime.ts');
  const rt = getDefaultIngestRuntime();
  const s = await serveIngest(rt, {
    host: process.env.HOST ?? '127.0.0.1',
    port: Number(process.env.INGEST_PORT ?? 3100),
  });
  console.log(`[ingest] listening on ${s.url}`);
  const stop = () => void s.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
