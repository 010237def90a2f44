// Grafana alerting webhook contact point: Alertmanager-shaped, plus `orgId`, `title`, `state`,
// `message` on the group and `values`, `valueString`, dashboard/panel URLs on each alert.
import type { NormalizeContext, NormalizeOutput } from './types.ts';
import { normalizePromLike } from './prometheus-like.ts';

export function normalizeGrafana(body: unknown, ctx: NormalizeContext): NormalizeOutput {
  return normalizePromLike(body, ctx, 'GRAFANA', { groupExtras: ['orgId', 'title', 'state'] });
}
