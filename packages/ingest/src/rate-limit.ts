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

  /** 0 when allowed, else the seconds to wait before the next request would be (Retry-After). */
  take(key: string): number {
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
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / rate / 1000));
  }
}
