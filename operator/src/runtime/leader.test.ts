import type { V1Lease } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../observability/log.ts';
import { LeaderElector, type LeaseStore } from './leader.ts';
import { FakeClock } from './testing/fake-clock.ts';

/** A Lease store with the API server's optimistic concurrency (409 on a stale resourceVersion). */
class MemoryLeases implements LeaseStore {
  lease: V1Lease | null = null;
  private rv = 0;
  down = new Set<string>();
  private conflict() {
    return Object.assign(new Error('conflict'), { code: 409 });
  }
  async get(_ns?: string, _name?: string) {
    return this.lease ? structuredClone(this.lease) : null;
  }
  async create(_ns: string, l: V1Lease) {
    if (this.lease) throw this.conflict();
    this.lease = { ...l, metadata: { ...l.metadata, resourceVersion: String(++this.rv) } };
    return this.lease;
  }
  async replace(_ns: string, l: V1Lease) {
    if (l.metadata?.resourceVersion !== this.lease?.metadata?.resourceVersion) throw this.conflict();
    this.lease = { ...l, metadata: { ...l.metadata, resourceVersion: String(++this.rv) } };
    return this.lease;
  }
  time(ms: number) {
    return new Date(ms);
  }
}

function replica(store: MemoryLeases, clock: FakeClock, identity: string, events: string[]) {
  const scoped: LeaseStore = {
    get: (ns, n) =>
      store.down.has(identity) ? Promise.reject(new Error('connection refused')) : store.get(ns, n),
    create: (ns, l) => store.create(ns, l),
    replace: (ns, l) => {
      if (store.down.has(identity)) return Promise.reject(new Error('connection refused'));
      return store.replace(ns, l);
    },
    time: (ms) => store.time(ms),
  };
  return new LeaderElector(scoped, {
    namespace: 'aw',
    name: 'aw-operator',
    identity,
    clock,
    log: silentLogger,
    onStartedLeading: () => events.push(`${identity} leads`),
    onStoppedLeading: () => events.push(`${identity} stops`),
  });
}

describe('LeaderElector (lease 15 s, renew deadline 10 s, retry 2 s)', () => {
  it('two replicas: exactly one leads; the other takes over 15 s after the leader stops renewing', async () => {
    const clock = new FakeClock();
    const events: string[] = [];
    const store = new MemoryLeases();
    const a = replica(store, clock, 'a', events);
    const b = replica(store, clock, 'b', events);
    a.start();
    await clock.advance(1);
    b.start();
    await clock.advance(30_000);
    expect(events).toEqual(['a leads']);
    expect([a.isLeader, b.isLeader]).toEqual([true, false]);
    expect(store.lease!.spec!.holderIdentity).toBe('a');

    // a is cut off from the API server (or dies): it stops acting after the renew deadline,
    // b only after a full lease duration without a renewal.
    store.down.add('a');
    const cut = clock.now();
    await clock.advance(9_000);
    expect(a.isLeader).toBe(true);
    await clock.advance(2_000);
    expect(a.isLeader).toBe(false);
    expect(b.isLeader).toBe(false);
    await clock.advance(3_900);
    expect(b.isLeader).toBe(false); // 14.9 s after the cut: a's lease may still be valid
    // b counts the lease from when *it* saw the last renewal (its own clock), so within one
    // retry period after 15 s of silence plus the retry period it took to see it.
    await clock.advance(6_100);
    expect(b.isLeader).toBe(true);
    expect(events).toEqual(['a leads', 'a stops', 'b leads']);
    const gap = events.length;
    expect(clock.now() - cut).toBeGreaterThanOrEqual(15_000);
    expect(store.lease!.spec!.leaseTransitions).toBe(1);

    // a comes back: it sees b renewing and stays a follower.
    store.down.delete('a');
    await clock.advance(60_000);
    expect([a.isLeader, b.isLeader]).toEqual([false, true]);
    expect(events.length).toBe(gap);
    await Promise.all([a.stop(), b.stop()]);
  });

  it('a leader that stops releases the lease and a standby takes over at its next retry', async () => {
    const clock = new FakeClock();
    const events: string[] = [];
    const store = new MemoryLeases();
    const a = replica(store, clock, 'a', events);
    const b = replica(store, clock, 'b', events);
    a.start();
    await clock.advance(1);
    b.start();
    await clock.advance(5_000);
    await a.stop();
    expect(store.lease!.spec!.holderIdentity).toBe('');
    await clock.advance(2_100);
    expect(b.isLeader).toBe(true);
    await b.stop();
  });

  it('two candidates racing for an expired lease: one wins, the other gets a conflict', async () => {
    const clock = new FakeClock();
    const store = new MemoryLeases();
    const events: string[] = [];
    const a = replica(store, clock, 'a', events);
    const b = replica(store, clock, 'b', events);
    const results = await Promise.all([a.tryAcquireOrRenew(), b.tryAcquireOrRenew()]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});
