// Per-key token bucket in process memory: `perMinute` requests with bursts up to `burst` (by default
// the same number).
export class RateLimiter {
  private buckets = new Map<string, { tokens: number; at: number }>();
  private burst: number;
  constructor(
    private perMinute: number,
    private now: () => number = Date.now,
    burst?: number,
  ) {
    this.burst = burst ?? perMinute;
  }

  /**
   * 0 when allowed, else the seconds to wait before the next request would be (Retry-After).
   * `cost` tokens are taken at once (capped at the burst, so a request is never refused forever).
   */
  take(key: string, cost = 1): number {
    const now = this.now();
    const rate = this.perMinute / 60_000; // tokens per ms
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size > 100_000) this.buckets.clear();
      b = { tokens: this.burst, at: now };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(this.burst, b.tokens + (now - b.at) * rate);
    b.at = now;
    const need = Math.min(cost, this.burst);
    if (b.tokens >= need) {
      b.tokens -= need;
      return 0;
    }
    return Math.max(1, Math.ceil((need - b.tokens) / rate / 1000));
  }
}
