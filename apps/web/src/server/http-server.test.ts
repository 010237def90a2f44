// Slow-loris senders against the app's own HTTP server (apps/web/http-server.mjs, which server.mjs
// serves Next through), driven over a raw TCP socket: headers dribbled a byte at a time, and a body
// that never finishes. Each must be cut off with 408 within the limit, while a prompt request on the
// same server is answered.
import net from 'node:net';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpServer, HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS } from '../../http-server.mjs';

let server: http.Server | undefined;
afterEach(async () => {
  const s = server;
  server = undefined;
  if (!s) return;
  s.closeAllConnections();
  await new Promise((ok) => s.close(ok));
});

async function start(opts: { headersTimeout: number; requestTimeout: number }) {
  server = createHttpServer(opts);
  server.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => res.end(`ok ${Buffer.concat(chunks).length}`));
  });
  await new Promise<void>((ok) => server!.listen(0, '127.0.0.1', ok));
  return (server.address() as AddressInfo).port;
}

/** Writes `parts` one every `everyMs` until the server closes; resolves with what it answered. */
function dribble(port: number, parts: string[], everyMs: number) {
  return new Promise<{ answer: string; closedAfterMs: number; sent: number }>((resolve, reject) => {
    const t0 = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    socket.on('data', (d) => (answer += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ answer, closedAfterMs: Date.now() - t0, sent });
    });
    socket.on('connect', () => {
      timer = setInterval(() => {
        if (sent < parts.length && !socket.destroyed) socket.write(parts[sent++]!);
      }, everyMs);
    });
    setTimeout(() => {
      socket.destroy();
      reject(new Error(`still open after 20 s; answered: ${answer}`));
    }, 20_000).unref();
  });
}

describe('slow-loris limits on the HTTP server', () => {
  it('ships with header and request timeouts (10 s and 30 s), not Node’s 60 s / 300 s', () => {
    const s = createHttpServer();
    expect(HEADERS_TIMEOUT_MS).toBe(10_000);
    expect(REQUEST_TIMEOUT_MS).toBe(30_000);
    expect(s.headersTimeout).toBe(HEADERS_TIMEOUT_MS);
    expect(s.requestTimeout).toBe(REQUEST_TIMEOUT_MS);
  });

  it('cuts off a sender that dribbles its headers, with 408, within the header limit', async () => {
    const port = await start({ headersTimeout: 600, requestTimeout: 5_000 });
    const head = 'GET / HTTP/1.1\r\nHost: x\r\n' + 'X-Slow: ' + 'a'.repeat(400);
    const r = await dribble(port, head.split(''), 20);
    expect(r.answer).toMatch(/^HTTP\/1\.1 408/);
    // The limit plus Node's check interval (150 ms here), not the 8 s the dribble would take.
    expect(r.closedAfterMs).toBeLessThan(2_000);
    expect(r.sent).toBeLessThan(head.length);
  });

  it('cuts off a sender whose body never finishes, with 408, within the request limit', async () => {
    const port = await start({ headersTimeout: 500, requestTimeout: 1_000 });
    const parts = ['POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n', ...Array(500).fill('x')];
    const r = await dribble(port, parts, 20);
    expect(r.answer).toMatch(/^HTTP\/1\.1 408/);
    expect(r.closedAfterMs).toBeLessThan(3_000);
    expect(r.sent).toBeLessThan(parts.length);
  });

  it('answers a prompt request on the same limits', async () => {
    const port = await start({ headersTimeout: 500, requestTimeout: 1_000 });
    const res = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: 'x'.repeat(5_000) });
    expect(await res.text()).toBe('ok 5000');
  });
});
