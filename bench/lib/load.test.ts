// The paced load generator (firePaced) against a loopback server that records when each request
// arrives: requests leave at their due times, not in bursts, and latency counts from the due time.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { firePaced, slowEpisodes, type Prepared } from './load.ts';

interface Recorder {
  url: string;
  arrivals: Map<string, number>;
  close: () => Promise<void>;
}

/** A server that notes each request's arrival (by its body) and answers `status` after `holdMs`. */
async function recorder(
  opts: { holdMs?: number; status?: (body: string) => number } = {},
): Promise<Recorder> {
  const arrivals = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const at = performance.now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      arrivals.set(body, at);
      setTimeout(() => {
        res.writeHead(opts.status?.(body) ?? 202, { 'content-type': 'application/json' });
        res.end('{}');
      }, opts.holdMs ?? 0);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/ingest`,
    arrivals,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const requests = (n: number): Prepared[] =>
  Array.from({ length: n }, (_, i) => ({
    body: `r${i}`,
    headers: { 'content-type': 'text/plain' },
    alerts: 1,
    bad: false,
    seqs: [String(i)],
  }));

let server: Recorder | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

describe('firePaced', () => {
  it('sends each request at its due time, never before it (no bursts)', async () => {
    server = await recorder();
    const start = performance.now();
    const out = await firePaced(server.url, requests(60), { connections: 8, rate: 200 });
    expect(out.sent).toBe(60);
    expect(out.statuses.get(202)).toBe(60);
    // Request i is due 5 ms × i after the start: none may arrive earlier (1 ms for timer rounding).
    for (let i = 0; i < 60; i++) {
      const at = server.arrivals.get(`r${i}`)!;
      expect(at - start).toBeGreaterThanOrEqual(i * 5 - 1);
    }
    // A burst would have sent all 60 within a few milliseconds: paced, the last leaves 295 ms in.
    expect(out.spanSeconds).toBeGreaterThanOrEqual(0.294);
  });

  it('counts latency from the due time, so waiting for a free connection is part of it', async () => {
    // One connection, each answer held 50 ms, a request due every 10 ms: request k is answered no
    // sooner than 50 × (k + 1) ms after the start, i.e. 50 + 40 × k ms after it was due.
    server = await recorder({ holdMs: 50 });
    const out = await firePaced(server.url, requests(5), { connections: 1, rate: 100 });
    expect(out.statuses.get(202)).toBe(5);
    expect(out.res.latency.p99).toBeGreaterThanOrEqual(50 + 40 * 4 - 1);
    expect(out.res.latency.p50).toBeGreaterThanOrEqual(50 + 40 * 2 - 1);
    // Each request's own latency, by index: the same growth, request by request.
    for (let k = 0; k < 5; k++) expect(out.latencyByIdx![k]).toBeGreaterThanOrEqual(50 + 40 * k - 1);
  });

  it('reports non-2xx answers and keeps 2xx times only for 2xx answers', async () => {
    server = await recorder({ status: (b) => (b === 'r3' ? 401 : 202) });
    const out = await firePaced(server.url, requests(6), { connections: 2, rate: 500 });
    expect(out.statuses.get(401)).toBe(1);
    expect(out.statuses.get(202)).toBe(5);
    expect(out.res.non2xx).toBe(1);
    expect(out.res.errors + out.res.timeouts).toBe(0);
    expect(Number.isNaN(out.answeredAt[3]!)).toBe(true);
    expect(Number.isNaN(out.answeredAt[2]!)).toBe(false);
  });

  it('counts a refused connection as an error, not an answer', async () => {
    server = await recorder();
    const url = server.url;
    await server.close();
    server = null;
    const out = await firePaced(url, requests(3), { connections: 2, rate: 1000 });
    expect(out.res.errors).toBe(3);
    expect(out.statuses.size).toBe(0);
  });
});

describe('slowEpisodes', () => {
  /** Latencies of a run at `rate`/s: `base` ms everywhere, `slow` over [from, to) by index. */
  const run = (n: number, slow: [number, number, number][], base = 5) => {
    const l = new Float64Array(n).fill(base);
    for (const [from, to, ms] of slow) for (let i = from; i < to; i++) l[i] = ms;
    return l;
  };

  it('groups slow requests by due time, longest stretch first, and places them in the run', () => {
    // 1,000/s: request i is due at i ms. Two stretches: 10 requests at 0.2 s, 300 at 4.0 s.
    const l = run(10_000, [
      [200, 210, 80],
      [4000, 4300, 120],
    ]);
    l[4100] = 400;
    expect(slowEpisodes(l, 1000)).toEqual([
      { fromSeconds: 4, spanMs: 299, requests: 300, maxMs: 400 },
      { fromSeconds: 0.2, spanMs: 9, requests: 10, maxMs: 80 },
    ]);
  });

  it('keeps stretches apart when the gap between their slow requests is the gap or more', () => {
    // At 100/s requests are due 10 ms apart: slow requests 4 apart (40 ms) join, 6 apart (60 ms) do not.
    const l = run(100, [
      [10, 11, 70],
      [14, 15, 70],
      [20, 21, 90],
    ]);
    expect(slowEpisodes(l, 100, { gapMs: 50 })).toEqual([
      { fromSeconds: 0.1, spanMs: 40, requests: 2, maxMs: 70 },
      { fromSeconds: 0.2, spanMs: 0, requests: 1, maxMs: 90 },
    ]);
  });

  it('leaves out requests at or under the threshold and those that got no answer', () => {
    const l = run(50, [[0, 50, 50]]);
    l[7] = NaN;
    expect(slowEpisodes(l, 1000)).toEqual([]);
    l[9] = 50.5;
    expect(slowEpisodes(l, 1000, { thresholdMs: 50 })).toEqual([
      { fromSeconds: 0.01, spanMs: 0, requests: 1, maxMs: 50.5 },
    ]);
  });
});
