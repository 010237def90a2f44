// Prometheus Alertmanager webhook (payload version "4"): `alerts[]` with status, labels,
// annotations, startsAt, endsAt (0001-01-01T00:00:00Z while firing), fingerprint; the group's
// `truncatedAlerts` counts alerts left out by `max_alerts`.
import type { NormalizeContext, NormalizeOutput } from './types.ts';
import { normalizePromLike } from './prometheus-like.ts';

export function normalizeAlertmanager(body: unknown, ctx: NormalizeContext): NormalizeOutput {
  return normalizePromLike(body, ctx, 'ALERTMANAGER', { version: '4' });
}
