// The HTTP faces of observability: a Web-API handler for Next.js routes and a node:http server for
// processes without one (the worker).
import http from 'node:http';
import type { AppMetrics } from './metrics.ts';

export async function metricsResponse(metrics: AppMetrics): Promise<Response> {
  return new Response(await metrics.render(), {
    status: 200,
    headers: { 'content-type': metrics.contentType, 'cache-control': 'no-store' },
  });
}

/** GET /metrics, GET /healthz on `port`; anything else 404. Resolves once listening. */
export async function serveMetrics(
  metrics: AppMetrics,
  o: { port: number; host?: string },
): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && url === '/metrics') {
      metrics.render().then(
        (body) => {
          res.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' });
          res.end(body);
        },
        (e: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`metrics failed: ${e instanceof Error ? e.message : String(e)}\n`);
        },
      );
      return;
    }
    if (req.method === 'GET' && url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"ok"}');
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host ?? '0.0.0.0', () => resolve());
  });
  const addr = server.address();
  return {
    port: typeof addr === 'object' && addr ? addr.port : o.port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
