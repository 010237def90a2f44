// The HTTP faces of observability: a Web-API handler for Next.js routes and a node:http server for
// processes without one (the worker). /metrics may require a bearer token (METRICS_TOKEN): then a
// scrape without `Authorization: Bearer <token>` gets 401 and no figures. Health and readiness stay
// open (probes carry no token).
import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AppMetrics } from './metrics.ts';
import type { Readiness } from './readiness.ts';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** True when no token is configured, or the Authorization header carries exactly that bearer token. */
export function metricsAuthorized(
  authorization: string | null | undefined,
  token: string | undefined,
): boolean {
  if (!token) return true;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!m) return false;
  // Compared as digests: constant time whatever the lengths.
  return timingSafeEqual(digest(m[1]!), digest(token));
}

const UNAUTHORIZED_BODY = '{"error":"metrics need Authorization: Bearer <METRICS_TOKEN>"}';
const UNAUTHORIZED_HEADERS = {
  'content-type': 'application/json',
  'www-authenticate': 'Bearer realm="metrics"',
  'cache-control': 'no-store',
};

export async function metricsResponse(
  metrics: AppMetrics,
  o: { authorization?: string | null; token?: string } = {},
): Promise<Response> {
  if (!metricsAuthorized(o.authorization, o.token))
    return new Response(UNAUTHORIZED_BODY, { status: 401, headers: UNAUTHORIZED_HEADERS });
  return new Response(await metrics.render(), {
    status: 200,
    headers: { 'content-type': metrics.contentType, 'cache-control': 'no-store' },
  });
}

export interface MetricsServerOptions {
  port: number;
  host?: string;
  /** When set, GET /metrics requires `Authorization: Bearer <token>`. */
  token?: string;
  /** Answers GET /api/ready (200 when ready, else 503); without it /api/ready is 404. */
  ready?: () => Promise<Readiness>;
}

/**
 * GET /metrics, liveness on GET /api/health (and /healthz), readiness on GET /api/ready when a
 * check is given; anything else 404. Resolves once listening.
 */
export async function serveMetrics(
  metrics: AppMetrics,
  o: MetricsServerOptions,
): Promise<{ port: number; close(): Promise<void> }> {
  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') return json(res, 405, { error: 'GET only' });
    if (url === '/metrics') {
      if (!metricsAuthorized(req.headers.authorization, o.token)) {
        res.writeHead(401, UNAUTHORIZED_HEADERS);
        return void res.end(UNAUTHORIZED_BODY);
      }
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
    if (url === '/healthz' || url === '/api/health') return json(res, 200, { status: 'ok' });
    if (url === '/api/ready' && o.ready) {
      o.ready().then(
        (r) => json(res, r.ready ? 200 : 503, r),
        (e: unknown) => json(res, 503, { ready: false, error: e instanceof Error ? e.message : String(e) }),
      );
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
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
