// readNodeBody on a real node:http server: the whole body in chunks, at most limit + 1 bytes of an
// oversized chunked body (then the request is destroyed), and a request that dies mid-body.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNodeBody } from './node.ts';

const LIMIT = 64 * 1024;
let server: http.Server;
let port: number;
const results: { size?: number; error?: string }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    readNodeBody(req, LIMIT).then(
      (buf) => {
        results.push({ size: buf.length });
        res.end(buf.length > LIMIT ? 'too large' : buf.toString('utf8'));
      },
      (e: Error) => {
        results.push({ error: e.message });
        if (!res.headersSent) res.end('error');
      },
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** Sends `chunks` as a chunked body, one write each; resolves with the answer or the socket error. */
function post(chunks: string[], abort = false): Promise<{ status?: number; body?: string; error?: string }> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/' }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', (e) => resolve({ error: e.message }));
    for (const c of chunks) req.write(c);
    if (abort) setTimeout(() => req.destroy(), 50);
    else req.end();
  });
}

describe('readNodeBody', () => {
  it('reads a body sent in several chunks, byte for byte', async () => {
    const parts = ['{"alerts":[', '{"asset":"é-1"},', '{"asset":"x"}', ']}'];
    const res = await post(parts);
    expect(res).toMatchObject({ status: 200, body: parts.join('') });
    expect(await post([])).toMatchObject({ status: 200, body: '' });
  });

  it('keeps at most limit + 1 bytes of an oversized body and drops the connection', async () => {
    results.length = 0;
    const chunk = 'x'.repeat(16 * 1024);
    const res = await post(Array.from({ length: 12 }, () => chunk));
    expect(results).toEqual([{ size: LIMIT + 1 }]);
    // The request was destroyed past the limit: the sender never gets to stream the rest.
    expect(res.error).toMatch(/hang up|ECONNRESET|EPIPE/);
  });

  it('rejects when the sender goes away before the body ends', async () => {
    results.length = 0;
    await post(['{"partial":'], true);
    await new Promise((r) => setTimeout(r, 100));
    expect(results).toHaveLength(1);
    expect(results[0]!.error).toBeDefined();
  });
});
