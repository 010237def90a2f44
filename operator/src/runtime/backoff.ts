// Retry delays: exponential per failure count, capped, with "full jitter" (a uniform draw between
// 0 and the capped exponential) so many senders that failed together do not retry together.

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** 0 = no jitter (deterministic), 1 = full jitter. */
  jitter?: number;
  random?: () => number;
}

/** The capped exponential delay before retry number `attempt` (0-based), before jitter. */
export function exponentialDelay(attempt: number, baseMs: number, maxMs: number): number {
  if (attempt < 0) return 0;
  // 2^attempt overflows to Infinity long after it passed maxMs; min() keeps it finite.
  return Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 60));
}

export function backoffDelay(attempt: number, o: BackoffOptions): number {
  const cap = exponentialDelay(attempt, o.baseMs, o.maxMs);
  const jitter = Math.min(1, Math.max(0, o.jitter ?? 1));
  const r = (o.random ?? Math.random)();
  // With jitter j the delay is uniform in [cap·(1−j), cap].
  return Math.round(cap * (1 - jitter) + cap * jitter * r);
}

/** A token bucket: `qps` tokens per second, at most `burst` saved up. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private qps: number,
    private burst: number,
    private now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Takes one token; returns how long the caller must wait for it (0 = now). */
  reserve(): number {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.qps);
    this.last = t;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.qps) * 1000);
  }
}
