// The load side of bench/run.ts: requests built and signed before a run starts, fired by autocannon
// (one load generator for every target), with each request's 2xx time kept for the push latency.
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

export interface Fired {
  res: autocannon.Result;
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
}

/** Fires every request once over `connections` keep-alive connections (at `rate` requests/s if set). */
export async function fire(
  url: string,
  reqs: Prepared[],
  opts: { connections: number; rate?: number },
): Promise<Fired> {
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
        ...(opts.rate ? { overallRate: opts.rate } : {}),
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
    res,
    statuses,
    sent: Math.min(i, reqs.length),
    answeredAt,
    spanSeconds: (lastAnswer - started) / 1000,
  };
}
