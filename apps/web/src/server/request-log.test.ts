// The web server's request log (request-log.mjs, used by server.mjs) over real HTTP: one JSON line
// per request with its id, the id echoed to the caller, no query string (credentials) in the log.
import http from 'node:http';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript module beside server.mjs, no type declarations
import { createServerLogger, logRequest } from '../../request-log.mjs';

interface Line {
  level: string;
  reqId: string;
  method: string;
  path: string;
  status: number;
  ms: number;
  msg: string;
  time: string;
}

let server: http.Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

async function start(): Promise<{ base: string; lines: Line[]; seenIds: string[] }> {
  const lines: Line[] = [];
  const seenIds: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString('utf8').split('\n')) if (l) lines.push(JSON.parse(l) as Line);
      cb();
    },
  });
  const logger = createServerLogger(sink);
  server = http.createServer((req, res) => {
    logRequest(logger, req, res);
    seenIds.push(String(req.headers['x-request-id']));
    res.writeHead(req.url?.startsWith('/missing') ? 404 : 200).end('ok');
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return { base: `http://127.0.0.1:${port}`, lines, seenIds };
}

async function until(cond: () => boolean) {
  for (let i = 0; i < 100 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
}

describe('request log (server.mjs)', () => {
  it('logs one JSON line per request with a fresh request id, echoed in the response', async () => {
    const { base, lines, seenIds } = await start();
    const res = await fetch(`${base}/api/v1/webhooks/pagerduty?routing_key=SECRET123`, { method: 'POST' });
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await until(() => lines.length === 1);
    expect(lines).toHaveLength(1);
    const l = lines[0]!;
    expect(l).toMatchObject({ level: 'info', msg: 'request', reqId: id, method: 'POST', status: 200 });
    expect(l.path).toBe('/api/v1/webhooks/pagerduty');
    expect(JSON.stringify(l)).not.toContain('SECRET123');
    expect(new Date(l.time).getTime()).toBeGreaterThan(0);
    expect(l.ms).toBeGreaterThanOrEqual(0);
    // The app (Next) sees the same id.
    expect(seenIds).toEqual([id]);
  });

  it('keeps a proxy-supplied id, replaces a malformed one, and logs error statuses', async () => {
    const { base, lines } = await start();
    const a = await fetch(`${base}/x`, { headers: { 'x-request-id': 'lb-7f3a.2:9' } });
    expect(a.headers.get('x-request-id')).toBe('lb-7f3a.2:9');
    const b = await fetch(`${base}/missing`, { headers: { 'x-request-id': 'a b<script>' } });
    const bId = b.headers.get('x-request-id');
    expect(bId).not.toBe('a b<script>');
    expect(bId).toMatch(/^[0-9a-f-]{36}$/);
    await until(() => lines.length === 2);
    expect(lines.map((l) => [l.reqId, l.status])).toEqual([
      ['lb-7f3a.2:9', 200],
      [bId, 404],
    ]);
  });
});
