// Leader election on a coordination.k8s.io/v1 Lease, with client-go's timing: a lease lasts 15 s,
// the leader renews every retry period (2 s) and gives up leadership if it could not renew for
// 10 s (the renew deadline, shorter than the lease, so it stops acting before anyone else may
// start). A candidate takes the lease only when the holder's record has not changed for a whole
// lease duration *by the candidate's own clock* (observed time, so clock skew between nodes does
// not matter). Every write carries the resourceVersion read: two candidates racing for an expired
// lease cannot both win (one gets 409).
import type { V1Lease } from '@kubernetes/client-node';
import { sleep, systemClock, type Clock } from './clock.ts';
import { isConflict } from './kube.ts';
import type { Logger } from '../observability/log.ts';

export interface LeaseStore {
  get(namespace: string, name: string): Promise<V1Lease | null>;
  create(namespace: string, lease: V1Lease): Promise<V1Lease>;
  replace(namespace: string, lease: V1Lease): Promise<V1Lease>;
  /** The wire format of a MicroTime. */
  time(ms: number): Date;
}

export interface LeaderElectionOptions {
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  clock?: Clock;
  log: Logger;
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
}

export class LeaderElector {
  private leading = false;
  private stopped = false;
  private observed: { record: string; at: number } | null = null;
  private lastRenew = 0;
  private readonly leaseMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryMs: number;
  private readonly clock: Clock;
  private abort = new AbortController();
  private loop: Promise<void> | null = null;

  constructor(
    private store: LeaseStore,
    private o: LeaderElectionOptions,
  ) {
    this.leaseMs = o.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = o.renewDeadlineMs ?? 10_000;
    this.retryMs = o.retryPeriodMs ?? 2_000;
    this.clock = o.clock ?? systemClock;
  }

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Stops campaigning; a leader releases the lease so a standby can take over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    await this.loop;
    if (this.leading) {
      this.setLeading(false);
      await this.release().catch((e) => this.o.log.warn('lease release failed', { error: e }));
    }
  }

  private setLeading(v: boolean) {
    if (v === this.leading) return;
    this.leading = v;
    this.o.log.info(v ? 'became leader' : 'lost leadership', {
      lease: this.o.name,
      identity: this.o.identity,
    });
    if (v) this.o.onStartedLeading();
    else this.o.onStoppedLeading();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let ok = false;
      try {
        ok = await this.tryAcquireOrRenew();
      } catch (e) {
        this.o.log.warn('lease update failed', { error: e });
      }
      const now = this.clock.now();
      if (ok) {
        this.lastRenew = now;
        this.setLeading(true);
      } else if (this.leading && now - this.lastRenew >= this.renewDeadlineMs) {
        this.setLeading(false);
      }
      await sleep(this.clock, this.retryMs, this.abort.signal);
    }
  }

  /** One attempt: true if this replica holds the lease afterwards. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const now = this.clock.now();
    const { namespace, name, identity } = this.o;
    const leaseSeconds = Math.ceil(this.leaseMs / 1000);
    const existing = await this.store.get(namespace, name);
    if (!existing) {
      try {
        await this.store.create(namespace, {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name, namespace },
          spec: {
            holderIdentity: identity,
            leaseDurationSeconds: leaseSeconds,
            acquireTime: this.store.time(now),
            renewTime: this.store.time(now),
            leaseTransitions: 0,
          },
        });
        return true;
      } catch (e) {
        if (isConflict(e)) return false;
        throw e;
      }
    }
    const spec = existing.spec ?? {};
    const record = JSON.stringify([spec.holderIdentity, String(spec.renewTime), spec.leaseTransitions]);
    if (!this.observed || this.observed.record !== record) this.observed = { record, at: now };
    const holder = spec.holderIdentity ?? '';
    const duration = (spec.leaseDurationSeconds ?? leaseSeconds) * 1000;
    if (holder && holder !== identity && this.observed.at + duration > now) return false;
    const takingOver = holder !== identity;
    const next: V1Lease = {
      ...existing,
      spec: {
        ...spec,
        holderIdentity: identity,
        leaseDurationSeconds: leaseSeconds,
        renewTime: this.store.time(now),
        acquireTime: takingOver ? this.store.time(now) : spec.acquireTime,
        leaseTransitions: (spec.leaseTransitions ?? 0) + (takingOver && holder ? 1 : 0),
      },
    };
    try {
      await this.store.replace(namespace, next);
      return true;
    } catch (e) {
      if (isConflict(e)) return false;
      throw e;
    }
  }

  private async release(): Promise<void> {
    const lease = await this.store.get(this.o.namespace, this.o.name);
    if (!lease || lease.spec?.holderIdentity !== this.o.identity) return;
    await this.store.replace(this.o.namespace, {
      ...lease,
      spec: {
        ...lease.spec,
        holderIdentity: '',
        leaseDurationSeconds: 1,
        renewTime: this.store.time(this.clock.now()),
      },
    });
  }
}
