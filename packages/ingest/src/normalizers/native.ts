// Our native JSON: one alert object, `{ "alerts": [ ... ] }`, or a bare array (at most 500).
import type { NormalizedAlertDraft } from '../types.ts';
import {
  badRequest,
  clip,
  isRecord,
  kindFromWord,
  optString,
  parseTime,
  reqString,
  severityFromWord,
  statusFromWord,
  stringMap,
  typeOf,
} from '../util.ts';
import { MAX_BATCH, type NormalizeContext, type NormalizeOutput } from './types.ts';

function one(v: unknown, field: string, ctx: NormalizeContext): NormalizedAlertDraft {
  if (!isRecord(v)) throw badRequest(field, `must be an object, got ${typeOf(v)}`);
  const asset = reqString(v, 'asset', `${field}.asset`, 255);
  const signature = reqString(v, 'signature', `${field}.signature`, 255);
  const severity = v.severity === undefined ? 'MEDIUM' : severityFromWord(v.severity);
  if (!severity) throw badRequest(`${field}.severity`, 'must be one of critical, high, medium, low, info');
  const status = v.status === undefined ? 'FIRING' : statusFromWord(v.status);
  if (!status) throw badRequest(`${field}.status`, 'must be "firing" or "resolved"');
  const hasTime = v.occurredAt !== undefined && v.occurredAt !== null;
  const occurredAt = hasTime ? parseTime(v.occurredAt, `${field}.occurredAt`) : ctx.receivedAt;
  const labels = stringMap(v.labels, `${field}.labels`);
  const annotations = stringMap(v.annotations, `${field}.annotations`);
  const fp = optString(v, 'fingerprint', `${field}.fingerprint`, 255);
  const kind = v.kind === undefined || v.kind === null ? undefined : kindFromWord(v.kind);
  if (v.kind !== undefined && v.kind !== null && !kind)
    throw badRequest(`${field}.kind`, 'must be "event" or "stateful"');
  return {
    ...(kind ? { kind } : {}),
    source: 'NATIVE',
    asset,
    signature,
    service: optString(v, 'service', `${field}.service`, 255),
    summary: clip(optString(v, 'summary', `${field}.summary`) ?? `${signature} on ${asset}`),
    severity,
    status,
    occurredAt,
    timeFromSender: hasTime,
    labels,
    annotations,
    raw: v,
    // A sender-given fingerprint wins; otherwise asset, signature and labels identify the alert.
    identity: fp ? `fp:${fp}` : JSON.stringify([asset, signature, Object.entries(labels).sort()]),
  };
}

export function normalizeNative(body: unknown, ctx: NormalizeContext): NormalizeOutput {
  let items: unknown[];
  let field: string;
  if (Array.isArray(body)) {
    items = body;
    field = '';
  } else if (isRecord(body) && 'alerts' in body) {
    if (!Array.isArray(body.alerts))
      throw badRequest('alerts', `must be an array, got ${typeOf(body.alerts)}`);
    items = body.alerts;
    field = 'alerts';
  } else if (isRecord(body)) {
    return { alerts: [one(body, 'body', ctx)] };
  } else {
    throw badRequest('body', `must be an alert object or a batch, got ${typeOf(body)}`);
  }
  if (items.length === 0) throw badRequest(field || 'body', 'must contain at least one alert');
  if (items.length > MAX_BATCH) throw badRequest(field || 'body', `must contain at most ${MAX_BATCH} alerts`);
  return { alerts: items.map((it, i) => one(it, `${field}[${i}]`, ctx)) };
}
