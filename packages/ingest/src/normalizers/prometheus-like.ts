// Shared by Alertmanager (webhook version 4) and Grafana (its webhook is Alertmanager-shaped).
import type { NormalizedAlertDraft, Source } from '../types.ts';
import {
  badRequest,
  clip,
  isRecord,
  parseTime,
  severityFromWord,
  statusFromWord,
  stringMap,
  typeOf,
} from '../util.ts';
import { MAX_BATCH, type NormalizeContext, type NormalizeOutput } from './types.ts';

const ZERO_TIME = /^0001-01-01T00:00:00(\.0+)?Z$/;
const ASSET_LABELS = ['instance', 'host', 'hostname', 'node', 'nodename', 'pod', 'service_name', 'job'];

export function pickAsset(labels: Record<string, string>): string {
  for (const k of ASSET_LABELS) if (labels[k]) return clip(labels[k], 255);
  return 'unknown';
}

export function normalizePromLike(
  body: unknown,
  ctx: NormalizeContext,
  source: Extract<Source, 'ALERTMANAGER' | 'GRAFANA'>,
  opts: { version?: string; alertExtras?: string[]; groupExtras?: string[] },
): NormalizeOutput {
  if (!isRecord(body)) throw badRequest('body', `must be an object, got ${typeOf(body)}`);
  if (opts.version !== undefined && body.version !== opts.version)
    throw badRequest(
      'version',
      `must be "${opts.version}" (got ${JSON.stringify(body.version) ?? 'nothing'})`,
    );
  if (!Array.isArray(body.alerts)) throw badRequest('alerts', `must be an array, got ${typeOf(body.alerts)}`);
  if (body.alerts.length > MAX_BATCH) throw badRequest('alerts', `must contain at most ${MAX_BATCH} alerts`);
  const truncated = body.truncatedAlerts ?? 0;
  if (typeof truncated !== 'number' || !Number.isInteger(truncated) || truncated < 0)
    throw badRequest('truncatedAlerts', 'must be a non-negative integer');
  const commonLabels = stringMap(body.commonLabels, 'commonLabels');
  const group: Record<string, unknown> = {};
  for (const k of ['receiver', 'groupKey', 'externalURL', ...(opts.groupExtras ?? [])])
    if (body[k] !== undefined) group[k] = body[k];

  const alerts = body.alerts.map((a, i): NormalizedAlertDraft => {
    const f = `alerts[${i}]`;
    if (!isRecord(a)) throw badRequest(f, `must be an object, got ${typeOf(a)}`);
    const status = statusFromWord(a.status);
    if (!status) throw badRequest(`${f}.status`, 'must be "firing" or "resolved"');
    const labels = { ...commonLabels, ...stringMap(a.labels, `${f}.labels`) };
    const annotations = stringMap(a.annotations, `${f}.annotations`);
    if (a.startsAt === undefined) throw badRequest(`${f}.startsAt`, 'is required');
    const startsAt = parseTime(a.startsAt, `${f}.startsAt`);
    let endsAt: Date | null = null;
    if (
      a.endsAt !== undefined &&
      a.endsAt !== null &&
      a.endsAt !== '' &&
      !(typeof a.endsAt === 'string' && ZERO_TIME.test(a.endsAt))
    )
      endsAt = parseTime(a.endsAt, `${f}.endsAt`);
    if (status === 'RESOLVED' && !endsAt)
      throw badRequest(`${f}.endsAt`, 'is required when status is resolved');
    const signature = clip(labels.alertname || labels.rulename || 'unknown', 255);
    const asset = pickAsset(labels);
    const raw: Record<string, unknown> = { ...a, ...(Object.keys(group).length ? { group } : {}) };
    for (const k of opts.alertExtras ?? []) if (a[k] !== undefined) raw[k] = a[k];
    return {
      source,
      asset,
      signature,
      service: labels.service ? clip(labels.service, 255) : labels.job ? clip(labels.job, 255) : null,
      summary: clip(
        annotations.summary || annotations.description || annotations.message || `${signature} on ${asset}`,
      ),
      severity: severityFromWord(labels.severity) ?? severityFromWord(labels.priority) ?? 'MEDIUM',
      status,
      occurredAt: status === 'RESOLVED' ? endsAt! : startsAt,
      timeFromSender: true,
      labels,
      annotations,
      raw,
      // The label set is what identifies an alert in Prometheus/Alertmanager (its own fingerprint
      // is a hash of it too).
      identity: JSON.stringify(Object.entries(labels).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))),
    };
  });
  return { alerts, info: { truncatedAlerts: truncated } };
}
