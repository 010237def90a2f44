// Deterministic alert streams for the benchmarks: ~500 assets × 20 signatures, keys drawn from a
// Zipf distribution (a few noisy hosts and checks dominate, as in real fleets), with re-fires of
// alerts already firing and resolves of them. The same seed gives the same stream on every run.

export interface StreamAlert {
  asset: string;
  signature: string;
  severity: 'critical' | 'high' | 'medium' | 'low' | 'info';
  status: 'firing' | 'resolved';
  occurredAt: string;
  summary: string;
  labels: Record<string, string>;
}

/** mulberry32: small, fast, deterministic. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Inverse-CDF sampler over ranks 0..n-1 with P(k) ∝ 1/(k+1)^s. */
export function zipf(n: number, s: number, rand: () => number): () => number {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let k = 0; k < n; k++) cdf[k] = sum += 1 / Math.pow(k + 1, s);
  for (let k = 0; k < n; k++) cdf[k]! /= sum;
  return () => {
    const u = rand();
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

const SEVERITIES = ['critical', 'high', 'high', 'medium', 'medium', 'medium', 'low', 'info'] as const;

export interface StreamOptions {
  count: number;
  seed?: number;
  assets?: number;
  signatures?: number;
  /** Share of events that resolve an alert currently firing. */
  resolveShare?: number;
  /** Start of the stream's event time; events advance 10 ms apart. */
  start?: number;
  /** A tag in every alert's labels, so that one run's rows can be told from another's. */
  run: string;
}

export function alertStream(o: StreamOptions): StreamAlert[] {
  return [...streamAlerts(o)];
}

/** The same stream one alert at a time (a soak of a million alerts need not hold them all). */
export function* streamAlerts(o: StreamOptions): Generator<StreamAlert> {
  const rand = prng(o.seed ?? 42);
  const assets = o.assets ?? 500;
  const signatures = o.signatures ?? 20;
  const pickKey = zipf(assets * signatures, 1.05, rand);
  const firing = new Map<number, StreamAlert>();
  const t0 = o.start ?? Date.now() - o.count * 10;
  for (let i = 0; i < o.count; i++) {
    const occurredAt = new Date(t0 + i * 10).toISOString();
    if (firing.size > 0 && rand() < (o.resolveShare ?? 0.1)) {
      // Resolve one that is firing (the oldest entry: Map keeps insertion order).
      const [key, a] = firing.entries().next().value as [number, StreamAlert];
      firing.delete(key);
      yield { ...a, status: 'resolved', occurredAt, labels: { ...a.labels, seq: String(i) } };
      continue;
    }
    const key = pickKey();
    const asset = `host-${String(key % assets).padStart(3, '0')}`;
    const signature = `check_${Math.floor(key / assets) % signatures}`;
    const a: StreamAlert = {
      asset,
      signature,
      severity: SEVERITIES[key % SEVERITIES.length]!,
      status: 'firing',
      occurredAt,
      summary: `${signature} on ${asset}`,
      labels: { run: o.run, seq: String(i), env: key % 3 === 0 ? 'prod' : 'staging' },
    };
    firing.delete(key);
    firing.set(key, a); // a re-fire moves to the back
    yield a;
  }
}

/** The stream in consecutive chunks of `size` alerts. */
export function* streamChunks(o: StreamOptions, size: number): Generator<StreamAlert[]> {
  let chunk: StreamAlert[] = [];
  for (const a of streamAlerts(o)) {
    chunk.push(a);
    if (chunk.length === size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length) yield chunk;
}

/** The same alert as Alertmanager's API v2 takes it (POST /api/v2/alerts). */
export function toAlertmanager(a: StreamAlert): Record<string, unknown> {
  return {
    labels: { alertname: a.signature, instance: a.asset, severity: a.severity, ...a.labels },
    annotations: { summary: a.summary },
    startsAt: a.occurredAt,
    ...(a.status === 'resolved' ? { endsAt: a.occurredAt } : {}),
  };
}
