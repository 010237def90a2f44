// The operator's HTTP endpoints (one port, a Service in the chart):
//   POST /api/v1/alertmanager  Alertmanager webhook v4 → 200 only after the alerts are fsynced;
//                              503 + Retry-After when the queue is full; 400 with field + reason
//   GET  /metrics              Prometheus text format
//   GET  /healthz              the process is alive
//   GET  /readyz               the queue is open (the receiver can accept)
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fromAlertmanager, ZAlertmanagerWebhook } from './forwarder/alerts.ts';
import { QueueFullError } from './forwarder/disk-queue.ts';
import type { Forwarding } from './forwarder/pipeline.ts';
import type { Logger } from './observability/log.ts';
import type { Metrics } from './observability/metrics.ts';
import { timingSafeEqual } from 'node:crypto';

export interface HttpServerDeps {
  forwarding: Forwarding;
  metrics: Metrics;
  log: Logger;
  /** When set, the receiver requires `Authorization: Bearer <token>`. */
  receiverToken?: string;
  bodyLimitBytes?: number;
  ready: () => boolean;
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

const problem = (
  status: number,
  code: string,
  message: string,
  problems?: { field: string; reason: string }[],
) => ({
  status,
  body: { error: { code, message, ...(problems ? { problems } : {}) } },
});

function tokenOk(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)$/i.exec(header?.trim() ?? '');
  if (!m) return false;
  const a = Buffer.from(m[1]!);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > limit) return null;
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}

async function receive(req: http.IncomingMessage, d: HttpServerDeps) {
  if (d.receiverToken && !tokenOk(req.headers.authorization, d.receiverToken))
    return problem(401, 'UNAUTHORIZED', 'invalid credentials');
  const limit = d.bodyLimitBytes ?? 4 * 1024 * 1024;
  const raw = await readBody(req, limit);
  if (!raw)
    return problem(413, 'PAYLOAD_TOO_LARGE', `body exceeds ${limit} bytes`, [
      { field: 'body', reason: `must be at most ${limit} bytes` },
    ]);
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    return problem(400, 'BAD_REQUEST', 'body is not JSON', [{ field: 'body', reason: 'must be JSON' }]);
  }
  const parsed = ZAlertmanagerWebhook.safeParse(json);
  if (!parsed.success)
    return problem(
      400,
      'BAD_REQUEST',
      'invalid payload',
      parsed.error.issues.slice(0, 20).map((i) => ({ field: i.path.join('.') || 'body', reason: i.message })),
    );
  const alerts = fromAlertmanager(parsed.data, d.forwarding.clusterName);
  try {
    await d.forwarding.accept(alerts, 'alertmanager');
  } catch (e) {
    if (e instanceof QueueFullError)
      return { ...problem(503, 'UNAVAILABLE', 'queue full, retry later'), retryAfter: '30' };
    d.log.error('could not queue alerts', { error: e });
    return { ...problem(503, 'UNAVAILABLE', 'could not store alerts, retry'), retryAfter: '5' };
  }
  return { status: 200, body: { accepted: alerts.length } };
}

export function createHttpServer(d: HttpServerDeps): http.Server {
  const server = http.createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? '/').split('?')[0];
      try {
        if (path === '/api/v1/alertmanager') {
          if (req.method !== 'POST')
            return send(res, 405, { error: { code: 'BAD_REQUEST', message: 'use POST' } }, { allow: 'POST' });
          const r = await receive(req, d);
          return send(
            res,
            r.status,
            r.body,
            'retryAfter' in r && r.retryAfter ? { 'retry-after': r.retryAfter } : {},
          );
        }
        if (req.method === 'GET' && path === '/metrics') {
          d.forwarding.snapshot(); // refresh the queue gauges
          const text = await d.metrics.registry.metrics();
          res.writeHead(200, { 'content-type': d.metrics.registry.contentType });
          return res.end(text);
        }
        if (req.method === 'GET' && path === '/healthz') return send(res, 200, 'ok');
        if (req.method === 'GET' && path === '/readyz')
          return d.ready() ? send(res, 200, 'ok') : send(res, 503, 'not ready');
        return send(res, 404, { error: { code: 'NOT_FOUND', message: 'not found' } });
      } catch (e) {
        d.log.error('request failed', { path, error: e });
        if (!res.headersSent)
          send(res, 503, { error: { code: 'UNAVAILABLE', message: 'retry' } }, { 'retry-after': '5' });
        else res.destroy();
      }
    })();
  });
  // Alertmanager reuses idle connections; outlive its idle timeout.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}

export async function listen(server: http.Server, port: number, host = '0.0.0.0'): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return (server.address() as AddressInfo).port;
}
