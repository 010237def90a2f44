import type { NormalizedAlertDraft } from '../types.ts';

export interface NormalizeContext {
  receivedAt: Date;
}

export interface NormalizeOutput {
  alerts: NormalizedAlertDraft[];
  /** Format-specific facts for the response (PagerDuty's dedup_key, Alertmanager's truncatedAlerts). */
  info?: Record<string, unknown>;
}

/** Largest number of alerts one request may carry (native batches, Alertmanager/Grafana groups). */
export const MAX_BATCH = 500;
