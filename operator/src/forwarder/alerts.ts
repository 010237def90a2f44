// What the operator forwards: alerts in the app's native format (POST /api/v1/alerts, see
// docs/API_REFERENCE.md), built from Alertmanager webhook v4 payloads and Kubernetes Warning
// events. Assets of Kubernetes objects read `<cluster>/<namespace>/<kind>/<name>` (`-` for a
// cluster-scoped object), so a pod's BackOff event and a Prometheus alert about the same pod land
// on one asset. Every alert carries its own fingerprint, so the app's dedup (fingerprint + status
// + time) recognises a redelivery.
import { createHash } from 'node:crypto';
import { z } from 'zod';

export interface NativeAlert {
  asset: string;
  signature: string;
  severity: 'critical' | 'high' | 'medium' | 'low' | 'info';
  status: 'firing' | 'resolved';
  occurredAt: string;
  summary: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  fingerprint: string;
}

const cut = (s: string, n: number) => (s.length > n ? s.slice(0, n) : s);

export function objectAsset(
  cluster: string,
  namespace: string | undefined,
  kind: string,
  name: string,
): string {
  return cut(`${cluster}/${namespace || '-'}/${kind}/${name}`, 255);
}

export function severityOf(v: string | undefined): NativeAlert['severity'] {
  switch ((v ?? '').toLowerCase()) {
    case 'critical':
    case 'page':
    case 'p1':
      return 'critical';
    case 'high':
    case 'error':
    case 'major':
    case 'p2':
      return 'high';
    case 'low':
    case 'minor':
    case 'p4':
      return 'low';
    case 'info':
    case 'informational':
    case 'none':
    case 'p5':
      return 'info';
    default:
      return 'medium';
  }
}

const stringMap = z.record(z.string(), z.string().max(8192));

export const ZAlertmanagerAlert = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: stringMap,
  annotations: stringMap.optional().default({}),
  startsAt: z.iso.datetime({ offset: true }),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().max(128).optional(),
});

export const ZAlertmanagerWebhook = z.object({
  version: z.literal('4'),
  status: z.enum(['firing', 'resolved']).optional(),
  receiver: z.string().optional(),
  groupKey: z.string().optional(),
  truncatedAlerts: z.number().int().nonnegative().optional(),
  alerts: z.array(ZAlertmanagerAlert).max(10_000),
});
export type TAlertmanagerWebhook = z.infer<typeof ZAlertmanagerWebhook>;

function hashOf(obj: Record<string, string>): string {
  const keys = Object.keys(obj).sort();
  const h = createHash('sha256');
  for (const k of keys) h.update(`${k}\0${obj[k]}\0`);
  return h.digest('hex').slice(0, 32);
}

function alertmanagerAsset(cluster: string, l: Record<string, string>): string {
  if (l.pod) return objectAsset(cluster, l.namespace, 'Pod', l.pod);
  if (l.node) return objectAsset(cluster, undefined, 'Node', l.node);
  const where = l.instance ?? l.host ?? l.hostname ?? l.job ?? l.alertname ?? 'cluster';
  return cut(`${cluster}/${where}`, 255);
}

export function fromAlertmanager(payload: TAlertmanagerWebhook, cluster: string): NativeAlert[] {
  return payload.alerts.map((a) => {
    const resolved = a.status === 'resolved';
    const endsAt = a.endsAt && !a.endsAt.startsWith('0001-') ? a.endsAt : undefined;
    const occurredAt = resolved ? (endsAt ?? a.startsAt) : a.startsAt;
    const signature = cut(a.labels.alertname ?? 'alertmanager', 255);
    const asset = alertmanagerAsset(cluster, a.labels);
    return {
      asset,
      signature,
      severity: severityOf(a.labels.severity),
      status: a.status,
      occurredAt: new Date(occurredAt).toISOString(),
      summary: cut(a.annotations.summary ?? a.annotations.description ?? `${signature} on ${asset}`, 2000),
      labels: { ...a.labels, cluster },
      annotations: { ...a.annotations, ...(a.generatorURL ? { generatorURL: a.generatorURL } : {}) },
      fingerprint: `am:${cluster}:${a.fingerprint ?? hashOf(a.labels)}`,
    };
  });
}

/** The fields of a core/v1 Event the operator reads. */
export interface KubeEvent {
  metadata: { uid?: string; name?: string; namespace?: string; creationTimestamp?: string };
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
  eventTime?: string | null;
  series?: { count?: number; lastObservedTime?: string } | null;
  source?: { component?: string; host?: string };
  reportingComponent?: string;
  involvedObject?: { kind?: string; namespace?: string; name?: string; uid?: string };
}

const EVENT_SEVERITY: Record<string, NativeAlert['severity']> = {
  OOMKilling: 'high',
  NodeNotReady: 'high',
  Evicted: 'high',
  FailedMount: 'medium',
  FailedAttachVolume: 'medium',
  BackOff: 'medium',
  FailedScheduling: 'medium',
  Unhealthy: 'low',
};

export function eventFirstSeen(e: KubeEvent): string {
  return e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp ?? new Date(0).toISOString();
}

/** How many times the event has happened (the core/v1 count or the events.k8s.io series count). */
export function eventCount(e: KubeEvent): number {
  return e.series?.count ?? e.count ?? 1;
}

/**
 * A Warning event → one firing alert. One Event object is one alert however often it repeats:
 * the fingerprint and time come from the object and its first occurrence, so a repeat that bumps
 * `count` (or `series.count`) is the same alert to the app.
 */
export function fromEvent(e: KubeEvent, cluster: string): NativeAlert | null {
  if (e.type !== 'Warning' || !e.reason || !e.involvedObject?.kind || !e.involvedObject.name) return null;
  const o = e.involvedObject;
  const asset = objectAsset(cluster, o.namespace, o.kind!, o.name!);
  const first = eventFirstSeen(e);
  const identity = e.metadata.uid ?? `${asset}/${e.reason}/${first}`;
  return {
    asset,
    signature: cut(e.reason, 255),
    severity: EVENT_SEVERITY[e.reason] ?? 'medium',
    status: 'firing',
    occurredAt: new Date(first).toISOString(),
    summary: cut(e.message?.trim() || `${e.reason} on ${asset}`, 2000),
    labels: {
      cluster,
      source: 'kubernetes-event',
      kind: o.kind!,
      name: o.name!,
      ...(o.namespace ? { namespace: o.namespace } : {}),
      reason: e.reason,
    },
    annotations: {
      count: String(eventCount(e)),
      ...(e.source?.component || e.reportingComponent
        ? { component: (e.source?.component || e.reportingComponent)! }
        : {}),
      ...(e.source?.host ? { host: e.source.host } : {}),
    },
    fingerprint: `ev:${cluster}:${identity}`,
  };
}
