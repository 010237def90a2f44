// The forwarding pipeline of one operator process: alerts in (Alertmanager receiver, Warning
// events) → the on-disk queue → the sender → the app. The Site controller configures it.
import type { ForwardingHandle, ForwardingSnapshot } from '../controllers/site.ts';
import type { Logger } from '../observability/log.ts';
import type { Metrics } from '../observability/metrics.ts';
import { UpstreamClient, type UpstreamCredentials } from '../upstream/client.ts';
import { fromEvent, type KubeEvent, type NativeAlert } from './alerts.ts';
import { QueueFullError, type DiskQueue } from './disk-queue.ts';
import { Sender, type SenderOptions } from './sender.ts';

export type AlertSource = 'alertmanager' | 'event';

export interface ForwardingOptions {
  /** Cluster name used for assets until the Site says otherwise. */
  cluster: string;
  operatorVersion: string;
  sender?: SenderOptions;
  /** Called when the forwarding state flips (queue full/not, upstream failing/ok). */
  onStateChange?: () => void;
}

export class Forwarding implements ForwardingHandle {
  private creds: UpstreamCredentials | null = null;
  private cluster: string;
  private reasons = new Set<string>();
  private seenEvents = new Set<string>();
  private full = false;
  private lastFailing = false;
  readonly client: UpstreamClient;
  readonly sender: Sender;

  constructor(
    readonly queue: DiskQueue,
    private metrics: Metrics,
    private log: Logger,
    private o: ForwardingOptions,
  ) {
    this.cluster = o.cluster;
    this.client = new UpstreamClient(() => this.creds, {
      userAgent: `alert-whisperer-operator/${o.operatorVersion}`,
    });
    this.sender = new Sender(queue, this.client, metrics, log.child({ component: 'sender' }), o.sender);
    metrics.queueCapacityBytes.set(queue.capacityBytes);
    this.refreshGauges();
  }

  get clusterName(): string {
    return this.cluster;
  }

  start(): void {
    this.sender.start();
  }

  async stop(): Promise<void> {
    await this.sender.stop();
  }

  configure(c: { creds: UpstreamCredentials; cluster: string; eventReasons: string[] } | null): void {
    const changed = JSON.stringify(c?.creds ?? null) !== JSON.stringify(this.creds);
    this.creds = c?.creds ?? null;
    if (c) {
      this.cluster = c.cluster;
      this.reasons = new Set(c.eventReasons);
    }
    if (changed) {
      this.log.info(
        c ? 'forwarding configured' : 'forwarding paused (no Site credentials)',
        c ? { upstream: c.creds.url } : {},
      );
      this.sender.wake();
    }
  }

  private refreshGauges(): void {
    this.metrics.queueDepth.set(this.queue.depth);
    this.metrics.queueBytes.set(this.queue.bytes);
    // "Full" clears when an append succeeds again, or once the queue drained below half.
    if (this.full && this.queue.bytes < this.queue.capacityBytes * 0.5) this.setFull(false);
    const failing = this.sender.state.consecutiveFailures > 0;
    if (failing !== this.lastFailing) {
      this.lastFailing = failing;
      this.o.onStateChange?.();
    }
  }

  private setFull(v: boolean): void {
    if (this.full === v) return;
    this.full = v;
    this.metrics.queueFull.set(v ? 1 : 0);
    this.log.warn(v ? 'queue full: refusing alerts with 503' : 'queue has room again', {
      bytes: this.queue.bytes,
    });
    this.o.onStateChange?.();
  }

  snapshot(): ForwardingSnapshot {
    this.refreshGauges();
    const s = this.sender.state;
    return {
      queueDepth: this.queue.depth,
      queueBytes: this.queue.bytes,
      queueFull: this.full,
      forwarded: s.forwarded,
      lastDelivery: s.lastDelivery,
      lastError: s.lastError,
      consecutiveFailures: s.consecutiveFailures,
    };
  }

  /** Writes alerts to the queue; resolves once they are on disk. Throws QueueFullError when full. */
  async accept(alerts: NativeAlert[], source: AlertSource): Promise<void> {
    if (!alerts.length) return;
    try {
      await this.queue.append(alerts.map((a) => Buffer.from(JSON.stringify(a))));
    } catch (e) {
      if (e instanceof QueueFullError) {
        this.metrics.rejectedFull.inc({ source }, alerts.length);
        this.setFull(true);
      }
      throw e;
    } finally {
      this.refreshGauges();
    }
    this.setFull(false);
    this.metrics.accepted.inc({ source }, alerts.length);
    this.sender.wake();
  }

  /**
   * A Warning event from the watch. One Event object is one alert: repeats (count/series bumps)
   * of an event already queued are ignored. A failed write (queue full) is retried on the
   * event's next update or relist.
   */
  async acceptEvent(e: KubeEvent): Promise<void> {
    if (e.type !== 'Warning' || !e.reason || !this.reasons.has(e.reason)) return;
    const id = e.metadata.uid ?? `${e.metadata.namespace}/${e.metadata.name}`;
    if (this.seenEvents.has(id)) return;
    const alert = fromEvent(e, this.cluster);
    if (!alert) return;
    this.seenEvents.add(id);
    if (this.seenEvents.size > 100_000) this.seenEvents = new Set([id]);
    this.metrics.eventsSeen.inc({ reason: e.reason });
    try {
      await this.accept([alert], 'event');
    } catch (err) {
      this.seenEvents.delete(id);
      this.log.warn('event not queued', { event: id, error: err });
    }
  }
}
