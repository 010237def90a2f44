import { describe, expect, it } from 'vitest';
import { FakeClock } from './testing/fake-clock.ts';
import { runWorkers, WorkQueue } from './workqueue.ts';

const tick = () => new Promise((r) => setImmediate(r));

describe('WorkQueue', () => {
  it('collapses repeated adds of a waiting key into one', async () => {
    const q = new WorkQueue();
    q.add('ns/a');
    q.add('ns/b');
    q.add('ns/a');
    expect(q.length).toBe(2);
    expect(await q.get()).toBe('ns/a');
    expect(await q.get()).toBe('ns/b');
  });

  it('never hands one key to two workers; a key changed while processing runs again after', async () => {
    const q = new WorkQueue();
    const running = new Set<string>();
    const log: string[] = [];
    let overlap = false;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let calls = 0;
    const done = runWorkers(
      q,
      4,
      async (key) => {
        if (running.has(key)) overlap = true;
        running.add(key);
        log.push(`start ${key}`);
        if (key === 'ns/a' && calls++ === 0) await gate;
        running.delete(key);
        log.push(`end ${key}`);
      },
      () => {},
    );
    q.add('ns/a');
    await tick();
    q.add('ns/a'); // event while ns/a is processing
    q.add('ns/a');
    q.add('ns/b'); // other keys are not blocked by ns/a
    await tick();
    expect(log).toEqual(['start ns/a', 'start ns/b', 'end ns/b']);
    release();
    for (let i = 0; i < 5; i++) await tick();
    expect(overlap).toBe(false);
    expect(log.filter((l) => l === 'start ns/a')).toHaveLength(2);
    q.shutdown();
    await done;
  });

  it('backs off exponentially per key on failure and resets after a success', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock, baseDelayMs: 100, maxDelayMs: 1000, qps: 1000, burst: 1000 });
    const attempts: number[] = [];
    let fail = 5;
    const done = runWorkers(
      q,
      1,
      async () => {
        attempts.push(clock.now());
        if (fail-- > 0) throw new Error('boom');
      },
      () => {},
    );
    const t0 = clock.now();
    q.add('ns/x');
    await tick();
    await clock.advance(10_000);
    expect(attempts.map((t) => t - t0)).toEqual([0, 100, 300, 700, 1500, 2500]);
    expect(q.failuresOf('ns/x')).toBe(0);
    q.shutdown();
    await done;
  });

  it('rate limits failures overall with the token bucket', () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock, baseDelayMs: 1, maxDelayMs: 10, qps: 10, burst: 2 });
    const delays = ['a', 'b', 'c', 'd'].map((k) => q.addRateLimited(`ns/${k}`));
    expect(delays).toEqual([1, 1, 100, 200]);
  });

  it('requeues after the delay a reconcile asks for', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock });
    const at: number[] = [];
    const done = runWorkers(
      q,
      1,
      async () => {
        at.push(clock.now());
        return at.length < 3 ? { requeueAfterMs: 30_000 } : {};
      },
      () => {},
    );
    const t0 = clock.now();
    q.add('ns/s');
    await tick();
    await clock.advance(120_000);
    expect(at.map((t) => t - t0)).toEqual([0, 30_000, 60_000]);
    q.shutdown();
    await done;
  });
});
