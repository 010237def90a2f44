// Reading a Prometheus histogram back from its text exposition: the cumulative buckets of one
// histogram, the difference of two scrapes (what happened between them), and a quantile estimated
// the way Prometheus's histogram_quantile() does (linear inside the bucket that holds the rank).
// The bench uses it to say how long group commits, writer waits and correlation turns took in a run.

/** Cumulative bucket counts by upper bound (+Inf included), with the sample count and sum. */
export interface HistogramSnapshot {
  buckets: { le: number; count: number }[];
  count: number;
  sum: number;
}

/**
 * The histogram `name` from a /metrics text; null when it is absent. With `labels` (e.g.
 * `{ stage: 'link' }`) the series that carries exactly those labels besides `le`; without, the
 * series without labels.
 */
export function readHistogram(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): HistogramSnapshot | null {
  const want = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(',');
  const buckets: { le: number; count: number }[] = [];
  let count: number | null = null;
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^(\w+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const pairs = m[2] ? m[2].split(/,(?=\w+=")/) : [];
    const le = pairs.find((x) => x.startsWith('le="'));
    const rest = pairs
      .filter((x) => x !== le)
      .sort()
      .join(',');
    if (rest !== want) continue;
    const value = Number(m[3]);
    if (m[1] === `${name}_bucket` && le) {
      const bound = le.slice(4, -1);
      buckets.push({ le: bound === '+Inf' ? Infinity : Number(bound), count: value });
    } else if (m[1] === `${name}_count` && !le) count = value;
    else if (m[1] === `${name}_sum` && !le) sum = value;
  }
  if (count === null || !buckets.length) return null;
  buckets.sort((a, b) => a.le - b.le);
  return { buckets, count, sum };
}

/** What was observed between two scrapes of the same histogram. */
export function histogramDelta(
  before: HistogramSnapshot | null,
  after: HistogramSnapshot,
): HistogramSnapshot {
  const prior = new Map((before?.buckets ?? []).map((b) => [b.le, b.count]));
  return {
    buckets: after.buckets.map((b) => ({ le: b.le, count: b.count - (prior.get(b.le) ?? 0) })),
    count: after.count - (before?.count ?? 0),
    sum: after.sum - (before?.sum ?? 0),
  };
}

/**
 * The q-quantile (0..1) estimated from cumulative buckets: linear interpolation inside the bucket
 * that holds the rank, the lower bound of the first bucket being 0; a rank in the +Inf bucket
 * gives the highest finite bound. Null without samples.
 */
export function histogramQuantile(h: HistogramSnapshot, q: number): number | null {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile ${q} is not between 0 and 1`);
  const total = h.buckets.at(-1)?.count ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const b of h.buckets) {
    if (b.count >= rank) {
      if (b.le === Infinity) return lower;
      const inBucket = b.count - below;
      return inBucket > 0 ? lower + ((b.le - lower) * (rank - below)) / inBucket : b.le;
    }
    lower = b.le;
    below = b.count;
  }
  return lower;
}
