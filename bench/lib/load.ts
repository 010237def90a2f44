// The load side of bench/run.ts: requests built and signed before a run starts, fired at every
// target the same way, with each request's 2xx time kept for the push latency. Saturating runs go
// through autocannon; paced runs through `firePaced` below (autocannon's rate is not a pace).
import http from 'node:http';
import autocannon from 'autocannon';
import { signatureHeaders } from '@aw/ingest';
import { toAlertmanager, type StreamAlert } from './stream.ts';

export type Target = 'app' | 'ref' | 'am';

export interface Prepared {
  body: string;
  headers: Record<string, string>;
  alerts: number;
  bad: boolean;
  /** The stream positions (label `seq`) of the request's alerts. */
  seqs: string[];
}

/**
 * `perRequest` alerts per request, signed for the app and the reference; 1 % of those (every
 * 100th request) carry a wrong signature: all of them must be refused.
 */
export async function prepare(
  target: Target,
  stream: StreamAlert[],
  perRequest: number,
  secret: string,
  key: string,
): Promise<Prepared[]> {
  const out: Prepared[] = [];
  const now = Math.floor(Date.now() / 1000);
  for (let i = 0, n = 0; i < stream.length; i += perRequest, n++) {
    const chunk = stream.slice(i, i + perRequest);
    const body =
      target === 'am' ? JSON.stringify(chunk.map(toAlertmanager)) : JSON.stringify({ alerts: chunk });
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const bad = target !== 'am' && n % 100 === 99;
    if (target !== 'am') {
      Object.assign(headers, await signatureHeaders(bad ? 'not-the-secret' : secret, body, now));
      headers['x-api-key'] = key;
    }
    out.push({ body, headers, alerts: chunk.length, bad, seqs: chunk.map((a) => a.labels.seq!) });
  }
  return out;
}

/** What a run's load generator reports (autocannon's figures, or the same from `firePaced`). */
export interface LoadResult {
  /** Seconds (autocannon: whole seconds, see `spanSeconds`). */
  duration: number;
  /** ms; for paced runs from each request's due time (see `firePaced`). */
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

export interface Fired {
  res: LoadResult;
  statuses: Map<number, number>;
  /** Requests handed to the connections. */
  sent: number;
  /** performance.now() at each request's 2xx (NaN when it got none), by request index. */
  answeredAt: Float64Array;
  /**
   * Seconds from the start to the last answer. autocannon's own `duration` ends at its next
   * one-second sample tick, so a run of 3,000 requests that takes 0.3 s reports 1 s: at high rates
   * its figure is a floor of whole seconds, not the rate.
   */
  spanSeconds: number;
  /**
   * Paced runs: each request's latency from its due time (ms; NaN when it got no answer), by
   * request index. Request i was due i / rate seconds after the start.
   */
  latencyByIdx?: Float64Array;
}

/**
 * Fires every request once over `connections` keep-alive connections: as fast as they are answered,
 * or at `rate` requests/s (`firePaced`).
 */
export async function fire(
  url: string,
  reqs: Prepared[],
  opts: { connections: number; rate?: number },
): Promise<Fired> {
  if (opts.rate) return firePaced(url, reqs, { connections: opts.connections, rate: opts.rate });
  let i = 0;
  const statuses = new Map<number, number>();
  const answeredAt = new Float64Array(reqs.length).fill(NaN);
  const started = performance.now();
  let lastAnswer = started;
  const res = await new Promise<autocannon.Result>((resolve, reject) => {
    const inst = autocannon(
      {
        url,
        method: 'POST',
        connections: opts.connections,
        amount: reqs.length,
        timeout: 30,
        requests: [
          {
            // One request in flight per connection: the context names the request being answered.
            setupRequest: (req, context: { idx?: number }) => {
              const idx = i++ % reqs.length;
              context.idx = idx;
              const r = reqs[idx]!;
              return { ...req, body: r.body, headers: r.headers };
            },
            onResponse: (status, _body, context: { idx?: number }) => {
              if (status >= 200 && status < 300 && context.idx !== undefined)
                answeredAt[context.idx] = performance.now();
            },
          },
        ],
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
    inst.on('response', (_client, status: number) => {
      lastAnswer = performance.now();
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    });
  });
  return {
    res: {
      duration: res.duration,
      latency: { p50: res.latency.p50, p99: res.latency.p99 },
      non2xx: res.non2xx,
      errors: res.errors,
      timeouts: res.timeouts,
    },
    statuses,
    sent: Math.min(i, reqs.length),
    answeredAt,
    spanSeconds: (lastAnswer - started) / 1000,
  };
}

/** The p-th percentile (nearest rank) of `xs`; 0 when empty. */
export function pct(xs: number[], p: number): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export interface SlowEpisode {
  /** Due time of its first slow request, in seconds from the run's start. */
  fromSeconds: number;
  /** From the due time of its first slow request to that of its last, in ms. */
  spanMs: number;
  /** Requests slower than the threshold in it. */
  requests: number;
  maxMs: number;
}

/**
 * The stretches of a paced run in which requests were slower than `thresholdMs`, grouped by due
 * time (slow requests due less than `gapMs` apart belong to one), longest first. A paced run's p99
 * is set by a few such stretches: where they fall in the run says what to look for in the server's
 * logs at that time. Requests that got no answer (NaN) are left out.
 */
export function slowEpisodes(
  latencyByIdx: Float64Array,
  rate: number,
  opts: { thresholdMs?: number; gapMs?: number } = {},
): SlowEpisode[] {
  const threshold = opts.thresholdMs ?? 50;
  const gap = opts.gapMs ?? 50;
  const out: { firstDue: number; lastDue: number; requests: number; maxMs: number }[] = [];
  for (let i = 0; i < latencyByIdx.length; i++) {
    const l = latencyByIdx[i]!;
    if (!(l > threshold)) continue;
    const due = (i * 1000) / rate;
    const last = out[out.length - 1];
    if (last && due - last.lastDue < gap) {
      last.lastDue = due;
      last.requests++;
      last.maxMs = Math.max(last.maxMs, l);
    } else out.push({ firstDue: due, lastDue: due, requests: 1, maxMs: l });
  }
  return out
    .sort((a, b) => b.requests - a.requests || a.firstDue - b.firstDue)
    .map((e) => ({
      fromSeconds: Math.round(e.firstDue / 10) / 100,
      spanMs: Math.round(e.lastDue - e.firstDue),
      requests: e.requests,
      maxMs: Math.round(e.maxMs * 10) / 10,
    }));
}

/** `pct`, rounded to 0.1. */
const percentile = (xs: number[], p: number) => Math.round(pct(xs, p) * 10) / 10;

/**
 * Open-loop pacing: request i is due `i / rate` seconds after the start, whatever happened to the
 * requests before it, as alerts reach a sender when they happen. Each request goes out on a free
 * keep-alive connection of at most `connections`, or waits for one; its latency counts from its
 * due time, so that wait is part of it (no coordinated omission, as wrk2 measures).
 *
 * autocannon's `overallRate` is not this: each connection sends its share of a second's requests
 * back to back when its one-second timer fires, then nothing until the next tick
 * (autocannon/lib/httpClient.js: `reqsMadeThisSecond`, reset by a 1 s interval), so "1,000/s" was
 * a burst of 1,000 requests at the start of every second, answered at the server's saturated rate.
 * Due requests are sent on a 1 ms timer: at 5,000/s about five leave together each millisecond.
 */
export async function firePaced(
  url: string,
  reqs: Prepared[],
  opts: { connections: number; rate: number },
): Promise<Fired> {
  const agent = new http.Agent({
    keepAlive: true,
    maxSockets: opts.connections,
    maxFreeSockets: opts.connections,
    scheduling: 'fifo',
  });
  const u = new URL(url);
  const base = { host: u.hostname, port: Number(u.port), path: u.pathname + u.search, method: 'POST', agent };
  const headers = reqs.map((r) => ({ ...r.headers, 'content-length': String(Buffer.byteLength(r.body)) }));
  const statuses = new Map<number, number>();
  const answeredAt = new Float64Array(reqs.length).fill(NaN);
  // Each answered request's latency from its due time, by index (NaN: no answer).
  const latencyByIdx = new Float64Array(reqs.length).fill(NaN);
  let errors = 0;
  let timeouts = 0;
  let non2xx = 0;
  let sent = 0;
  let pending = reqs.length;
  const interval = 1000 / opts.rate;
  const started = performance.now();
  let lastAnswer = started;
  await new Promise<void>((resolve) => {
    if (!reqs.length) return resolve();
    const settled = () => {
      if (--pending === 0) resolve();
    };
    const send = (i: number) => {
      const r = reqs[i]!;
      const due = started + i * interval;
      let finished = false;
      const finish = (status: number | null) => {
        if (finished) return;
        finished = true;
        const t = performance.now();
        if (status !== null) {
          lastAnswer = t;
          latencyByIdx[i] = t - due;
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (status >= 200 && status < 300) answeredAt[i] = t;
          else non2xx++;
        }
        settled();
      };
      const req = http.request({ ...base, headers: headers[i] }, (res) => {
        res.resume();
        res.on('end', () => finish(res.statusCode ?? 0));
        res.on('error', () => {
          errors++;
          finish(null);
        });
      });
      req.setTimeout(30_000, () => {
        timeouts++;
        req.destroy();
        finish(null);
      });
      req.on('error', () => {
        if (!finished) errors++;
        finish(null);
      });
      req.end(r.body);
    };
    const tick = () => {
      const now = performance.now();
      while (sent < reqs.length && started + sent * interval <= now) send(sent++);
      if (sent < reqs.length) setTimeout(tick, Math.max(0, started + sent * interval - performance.now()));
    };
    tick();
  });
  agent.destroy();
  const span = (lastAnswer - started) / 1000;
  const latencies = Array.from(latencyByIdx).filter((l) => !Number.isNaN(l));
  return {
    res: {
      duration: span,
      latency: { p50: percentile(latencies, 50), p99: percentile(latencies, 99) },
      non2xx,
      errors,
      timeouts,
    },
    statuses,
    sent,
    answeredAt,
    spanSeconds: span,
    latencyByIdx,
  };
}
