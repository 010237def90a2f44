import { describe, expect, it } from 'vitest';
import { backoffDelay, exponentialDelay, TokenBucket } from './backoff.ts';

describe('backoff', () => {
  it('doubles per attempt up to the cap', () => {
    expect([0, 1, 2, 3, 4, 5].map((a) => exponentialDelay(a, 100, 1000))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    expect(exponentialDelay(5000, 100, 60_000)).toBe(60_000);
  });

  it('full jitter draws uniformly between 0 and the capped delay', () => {
    const o = { baseMs: 1000, maxMs: 60_000 };
    expect(backoffDelay(3, { ...o, random: () => 0 })).toBe(0);
    expect(backoffDelay(3, { ...o, random: () => 0.5 })).toBe(4000);
    expect(backoffDelay(3, { ...o, random: () => 0.999999 })).toBe(8000);
    expect(backoffDelay(3, { ...o, jitter: 0, random: () => 0.1 })).toBe(8000);
    const draws = Array.from({ length: 2000 }, () => backoffDelay(10, o));
    expect(Math.max(...draws)).toBeLessThanOrEqual(60_000);
    // Spread out, not clumped: retries of many senders do not line up.
    expect(new Set(draws.map((d) => Math.min(9, Math.floor(d / 6000)))).size).toBe(10);
  });

  it('the token bucket allows a burst, then paces at qps', () => {
    let t = 0;
    const b = new TokenBucket(10, 3, () => t);
    expect([b.reserve(), b.reserve(), b.reserve()]).toEqual([0, 0, 0]);
    expect(b.reserve()).toBe(100);
    expect(b.reserve()).toBe(200);
    t = 1000;
    expect(b.reserve()).toBe(0);
  });
});
