// PagerDuty Events API v2 (`POST /v2/enqueue` shape): routing_key, event_action
// trigger/acknowledge/resolve, dedup_key, payload.{summary, source, severity, timestamp,
// component, group, class, custom_details}. One event per request, answered with 202 + dedup_key.
import { sha256Hex } from '@aw/core/crypto';
import type { SeverityLevel } from '../types.ts';
import {
  badRequest,
  canonicalJson,
  clip,
  isRecord,
  optString,
  ownValue,
  parseTime,
  reqString,
  setOwn,
  typeOf,
} from '../util.ts';
import type { NormalizeContext, NormalizeOutput } from './types.ts';

const PD_SEVERITY: Record<string, SeverityLevel> = {
  critical: 'CRITICAL',
  error: 'HIGH',
  warning: 'MEDIUM',
  info: 'INFO',
};

/** The routing_key of a body, if it has one (used to find the API key before normalizing). */
export function pagerDutyRoutingKey(body: unknown): string | null {
  return isRecord(body) && typeof body.routing_key === 'string' ? body.routing_key : null;
}

export async function normalizePagerDuty(body: unknown, ctx: NormalizeContext): Promise<NormalizeOutput> {
  if (!isRecord(body)) throw badRequest('body', `must be an object, got ${typeOf(body)}`);
  const action = body.event_action;
  if (action !== 'trigger' && action !== 'acknowledge' && action !== 'resolve')
    throw badRequest('event_action', 'must be one of trigger, acknowledge, resolve');
  let dedupKey = optString(body, 'dedup_key', 'dedup_key', 100_000);
  if (dedupKey !== null && (dedupKey.length === 0 || dedupKey.length > 255))
    throw badRequest('dedup_key', 'must be 1..255 characters');
  if (action !== 'trigger' && !dedupKey) throw badRequest('dedup_key', `is required for ${action}`);
  // PagerDuty generates a key for a trigger without one; ours is derived from the event so that a
  // redelivery maps onto the same key.
  const { routing_key: _rk, ...withoutKey } = body;
  dedupKey ??= (await sha256Hex(canonicalJson(withoutKey))).slice(0, 32);
  if (action === 'acknowledge') return { alerts: [], info: { dedup_key: dedupKey, ignored: 'acknowledge' } };

  const identity = `dedup_key:${dedupKey}`;
  if (action === 'resolve') {
    const p = isRecord(body.payload) ? body.payload : {};
    return {
      alerts: [
        {
          source: 'PAGERDUTY',
          asset: typeof p.source === 'string' && p.source.trim() ? clip(p.source.trim(), 255) : 'unknown',
          signature: typeof p.class === 'string' && p.class.trim() ? clip(p.class.trim(), 255) : 'unknown',
          service: null,
          summary: typeof p.summary === 'string' ? clip(p.summary) : `resolved ${dedupKey}`,
          severity: 'INFO',
          status: 'RESOLVED',
          occurredAt: ctx.receivedAt,
          timeFromSender: false,
          labels: { dedup_key: dedupKey },
          annotations: {},
          raw: withoutKey,
          identity,
        },
      ],
      info: { dedup_key: dedupKey },
    };
  }

  if (!isRecord(body.payload))
    throw badRequest('payload', `is required for trigger, got ${typeOf(body.payload)}`);
  const p = body.payload;
  const summary = reqString(p, 'summary', 'payload.summary', 1024);
  const source = reqString(p, 'source', 'payload.source', 255);
  const sevWord = p.severity;
  const severity = typeof sevWord === 'string' ? ownValue(PD_SEVERITY, sevWord) : undefined;
  if (!severity) throw badRequest('payload.severity', 'must be one of critical, error, warning, info');
  const hasTime = p.timestamp !== undefined && p.timestamp !== null;
  const occurredAt = hasTime ? parseTime(p.timestamp, 'payload.timestamp') : ctx.receivedAt;
  const component = optString(p, 'component', 'payload.component', 255);
  const group = optString(p, 'group', 'payload.group', 255);
  const klass = optString(p, 'class', 'payload.class', 255);
  const labels: Record<string, string> = { dedup_key: dedupKey };
  if (component) labels.component = component;
  if (group) labels.group = group;
  if (klass) labels.class = klass;
  const annotations: Record<string, string> = {};
  if (p.custom_details !== undefined) {
    if (isRecord(p.custom_details)) {
      for (const [k, v] of Object.entries(p.custom_details))
        setOwn(
          annotations,
          k,
          typeof v === 'string' ? clip(v, 4096) : clip(JSON.stringify(v) ?? 'null', 4096),
        );
    } else annotations.custom_details = clip(JSON.stringify(p.custom_details) ?? 'null', 4096);
  }
  return {
    alerts: [
      {
        source: 'PAGERDUTY',
        asset: source,
        signature: klass?.trim() || component?.trim() || clip(summary, 255),
        service: group,
        summary,
        severity,
        status: 'FIRING',
        occurredAt,
        timeFromSender: hasTime,
        labels,
        annotations,
        raw: withoutKey,
        identity,
      },
    ],
    info: { dedup_key: dedupKey },
  };
}
