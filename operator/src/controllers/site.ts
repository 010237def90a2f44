// Site reconciler. Order: get → (no finalizer: nothing upstream must be cleaned up; the portal keeps
// the cluster's history) → delete path → (no owned children) → converge → conditions.
// Converge: read the credentials, point the forwarder at the upstream, and send the heartbeat
// (POST /api/v1/sites/register: cluster UID, operator version, queue depth) every heartbeat period.
// Status goes through the status subresource and is written only when it changed, so the status
// write's own watch event settles instead of looping.
import {
  DEFAULT_EVENT_REASONS,
  setConditions,
  type ConditionInput,
  type Site,
  type SiteStatus,
} from '../api/v1alpha1/index.ts';
import type { Logger } from '../observability/log.ts';
import type { Clock } from '../runtime/clock.ts';
import { sameJson } from '../runtime/equal.ts';
import type { Kube } from '../runtime/kube.ts';
import type { ReconcileResult } from '../runtime/workqueue.ts';
import { errorMessage, UpstreamClient, UpstreamError, type UpstreamCredentials } from '../upstream/client.ts';
import { CredentialsError, siteCredentials } from './site-credentials.ts';

export interface ForwardingSnapshot {
  queueDepth: number;
  queueBytes: number;
  queueFull: boolean;
  forwarded: number;
  lastDelivery: Date | null;
  lastError: string | null;
  consecutiveFailures: number;
}

/** The forwarding pipeline as the Site controller drives it. */
export interface ForwardingHandle {
  configure(c: { creds: UpstreamCredentials; cluster: string; eventReasons: string[] } | null): void;
  snapshot(): ForwardingSnapshot;
}

export interface SiteControllerDeps {
  kube: Kube;
  /** The one Site this operator serves (its namespace and name). */
  namespace: string;
  siteName: string;
  operatorVersion: string;
  forwarding: ForwardingHandle;
  log: Logger;
  clock: Clock;
  heartbeatMs?: number;
}

interface Registration {
  ok: boolean;
  reason: string;
  message: string;
  at: number;
  generation: number;
  siteId?: string;
}

export class SiteController {
  private registration = new Map<string, Registration>();
  private clients = new Map<string, UpstreamClient>();
  private clusterUid: string | null = null;
  readonly heartbeatMs: number;

  constructor(private d: SiteControllerDeps) {
    this.heartbeatMs = d.heartbeatMs ?? 30_000;
  }

  private client(creds: UpstreamCredentials): UpstreamClient {
    const k = `${creds.url}\n${creds.apiKey}\n${creds.hmacSecret}`;
    let c = this.clients.get(k);
    if (!c) {
      if (this.clients.size > 16) this.clients.clear();
      c = new UpstreamClient(() => creds, {
        userAgent: `alert-whisperer-operator/${this.d.operatorVersion}`,
      });
      this.clients.set(k, c);
    }
    return c;
  }

  async reconcile(key: string): Promise<ReconcileResult> {
    const [namespace, name] = key.split('/') as [string, string];
    const served = namespace === this.d.namespace && name === this.d.siteName;
    // get
    const site = await this.d.kube.getCustom<Site>('sites', namespace, name);
    // delete path
    if (!site || site.metadata.deletionTimestamp) {
      if (served) this.d.forwarding.configure(null);
      this.registration.delete(key);
      return {};
    }
    const gen = site.metadata.generation ?? 0;
    if (!served) {
      await this.writeStatus(site, { ...site.status }, [
        {
          type: 'Ready',
          status: 'False',
          reason: 'NotServed',
          message: `this operator serves Site ${this.d.namespace}/${this.d.siteName}`,
        },
      ]);
      return {};
    }
    // converge
    let creds: UpstreamCredentials;
    try {
      creds = await siteCredentials(this.d.kube, site);
    } catch (e) {
      if (!(e instanceof CredentialsError)) throw e;
      this.d.forwarding.configure(null);
      await this.writeStatus(site, { ...site.status, lastError: e.message }, [
        { type: 'Connected', status: 'False', reason: e.reason, message: e.message },
        { type: 'Forwarding', status: 'False', reason: e.reason, message: 'no credentials' },
        { type: 'Ready', status: 'False', reason: e.reason, message: e.message },
      ]);
      return { requeueAfterMs: 30_000 };
    }
    this.d.forwarding.configure({
      creds,
      cluster: site.spec.clusterName,
      eventReasons: site.spec.eventReasons ?? [...DEFAULT_EVENT_REASONS],
    });
    const now = this.d.clock.now();
    const prev = this.registration.get(key);
    const due = !prev || prev.generation !== gen || now - prev.at >= this.heartbeatMs || !prev.ok;
    const snap = this.d.forwarding.snapshot();
    const status: SiteStatus = { ...site.status };
    let reg = prev!;
    if (due) {
      reg = await this.register(site, creds, snap, gen);
      this.registration.set(key, reg);
      status.queueDepth = snap.queueDepth;
      status.queueBytes = snap.queueBytes;
      status.alertsForwarded = snap.forwarded;
      if (snap.lastDelivery) status.lastDelivery = snap.lastDelivery.toISOString();
      status.lastHeartbeat = new Date(now).toISOString();
      if (reg.siteId) status.siteId = reg.siteId;
    }
    const forwarding: ConditionInput = snap.queueFull
      ? {
          type: 'Forwarding',
          status: 'False',
          reason: 'QueueFull',
          message: `on-disk queue full (${snap.queueBytes} bytes): the receiver answers 503`,
        }
      : snap.consecutiveFailures > 0
        ? {
            type: 'Forwarding',
            status: 'False',
            reason: 'UpstreamFailing',
            message: snap.lastError ?? 'delivery failing',
          }
        : {
            type: 'Forwarding',
            status: 'True',
            reason: 'Delivering',
            message: `${snap.queueDepth} alerts queued`,
          };
    const lastError = !reg.ok ? reg.message : snap.consecutiveFailures > 0 ? snap.lastError : undefined;
    if (lastError) status.lastError = lastError;
    else delete status.lastError;
    const ready = reg.ok && forwarding.status === 'True';
    await this.writeStatus(site, status, [
      { type: 'Connected', status: reg.ok ? 'True' : 'False', reason: reg.reason, message: reg.message },
      forwarding,
      {
        type: 'Ready',
        status: ready ? 'True' : 'False',
        reason: ready ? 'Ready' : !reg.ok ? reg.reason : forwarding.reason,
        message: ready ? 'registered upstream and forwarding' : !reg.ok ? reg.message : forwarding.message!,
      },
    ]);
    const untilHeartbeat = Math.max(
      1000,
      reg.at + (reg.ok ? this.heartbeatMs : Math.min(this.heartbeatMs, 10_000)) - now,
    );
    return { requeueAfterMs: untilHeartbeat };
  }

  private async register(
    site: Site,
    creds: UpstreamCredentials,
    snap: ForwardingSnapshot,
    generation: number,
  ): Promise<Registration> {
    const at = this.d.clock.now();
    this.clusterUid ??= await this.d.kube.namespaceUid('kube-system');
    const body = JSON.stringify({
      siteName: site.spec.clusterName,
      clusterUid: this.clusterUid ?? undefined,
      operatorVersion: this.d.operatorVersion,
      queueDepth: snap.queueDepth,
      queueBytes: snap.queueBytes,
      alertsForwarded: snap.forwarded,
      lastDelivery: snap.lastDelivery?.toISOString(),
      lastError: snap.consecutiveFailures > 0 ? snap.lastError?.slice(0, 500) : undefined,
    });
    try {
      const r = await this.client(creds).request('POST', 'api/v1/sites/register', body);
      if (r.status >= 200 && r.status < 300) {
        const siteId = (r.body as { siteId?: string } | null)?.siteId;
        return {
          ok: true,
          reason: 'Registered',
          message: `heartbeat accepted by ${creds.url}`,
          at,
          generation,
          siteId,
        };
      }
      const reason =
        r.status === 401 || r.status === 403
          ? 'Unauthorized'
          : r.status >= 500 || r.status === 429
            ? 'UpstreamUnavailable'
            : 'Rejected';
      this.d.log.warn('site registration refused', { status: r.status, error: errorMessage(r) });
      return { ok: false, reason, message: errorMessage(r), at, generation };
    } catch (e) {
      if (!(e instanceof UpstreamError)) throw e;
      return { ok: false, reason: 'Unreachable', message: e.message, at, generation };
    }
  }

  private async writeStatus(site: Site, status: SiteStatus, conditions: ConditionInput[]): Promise<void> {
    const gen = site.metadata.generation;
    const next: SiteStatus = {
      ...status,
      observedGeneration: gen,
      conditions: setConditions(site.status?.conditions, conditions, gen, new Date(this.d.clock.now())),
    };
    if (sameJson(next, site.status ?? {})) return;
    await this.d.kube.replaceCustomStatus('sites', { ...site, status: next });
  }
}
