import { describe, expect, it } from 'vitest';
import { trickleTick, type TrickleState } from './trickle.ts';

describe('demo live trickle', () => {
  const companies = ['acme', 'globex', 'initech'];
  const run = (ticks: number) => {
    const state: TrickleState = { tick: 0, open: [] };
    const now = new Date('2026-11-26T12:00:00Z');
    return Array.from({ length: ticks }, (_, i) =>
      trickleTick(companies, state, new Date(now.getTime() + i * 20_000)),
    );
  };

  it('is deterministic for the same seed and ticks', () => {
    expect(run(30)).toEqual(run(30));
  });

  it('repeats the noisy disk_full each tick, rotating companies', () => {
    const ticks = run(6);
    expect(ticks.map((t) => t[0]!.asset)).toEqual([
      'acme-server-prod-01',
      'globex-server-prod-01',
      'initech-server-prod-01',
      'acme-server-prod-01',
      'globex-server-prod-01',
      'initech-server-prod-01',
    ]);
    expect(ticks.every((t) => t[0]!.signature === 'disk_full' && t[0]!.status === 'firing')).toBe(true);
  });

  it('resolves only what it opened, oldest first, keeping at most three open', () => {
    const all = run(60).flat();
    const firing = new Set<string>();
    for (const a of all.filter((x) => x.signature !== 'disk_full')) {
      const key = `${a.asset}|${a.signature}`;
      if (a.status === 'firing') firing.add(key);
      else {
        expect(firing.has(key)).toBe(true);
        firing.delete(key);
      }
    }
    expect(firing.size).toBeLessThanOrEqual(3);
    expect(all.some((a) => a.status === 'resolved')).toBe(true);
  });
});
