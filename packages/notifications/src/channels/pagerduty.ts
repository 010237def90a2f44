// PagerDuty Events API v2: trigger / acknowledge / resolve, one dedup_key per incident so the
// whole life of an incident lands on one PagerDuty alert.
import type { TMessage, TSeverity } from '../types.ts';

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

const PD_SEVERITY: Record<TSeverity, 'critical' | 'error' | 'warning' | 'info'> = {
  CRITICAL: 'critical',
  HIGH: 'error',
  MEDIUM: 'warning',
  LOW: 'info',
  INFO: 'info',
};

export type PagerDutyAction = 'trigger' | 'acknowledge' | 'resolve';

/** Which event a trigger becomes; null: PagerDuty is not told (runbook progress). */
export function pagerDutyAction(trigger: string): PagerDutyAction | null {
  if (trigger === 'incident.acknowledged') return 'acknowledge';
  if (trigger === 'incident.resolved') return 'resolve';
  if (trigger === 'runbook.started' || trigger === 'runbook.succeeded') return null;
  return 'trigger';
}

export const dedupKey = (incidentId: string) => `aw-incident-${incidentId}`;

export function pagerDutyEvent(m: TMessage, routingKey: string, action: PagerDutyAction) {
  const inc = m.incident;
  const key = inc ? dedupKey(inc.incidentId) : `aw-${m.key}`.slice(0, 255);
  if (action !== 'trigger') return { routing_key: routingKey, event_action: action, dedup_key: key };
  return {
    routing_key: routingKey,
    event_action: 'trigger' as const,
    dedup_key: key,
    payload: {
      summary: `${m.title} (${m.companyName})`.slice(0, 1024),
      source: (inc?.asset || m.companyName).slice(0, 255),
      severity: PD_SEVERITY[inc?.severity ?? 'INFO'],
      timestamp: m.at,
      component: inc?.asset,
      group: m.companyName,
      class: inc?.signature,
      custom_details: {
        company: m.companyName,
        trigger: m.trigger,
        text: m.text,
        ...(inc ? { status: inc.status, alerts: inc.alertCount, incident_id: inc.incidentId } : {}),
      },
    },
    client: 'Alert Whisperer',
    ...(inc ? { client_url: inc.url, links: [{ href: inc.url, text: 'Open incident' }] } : {}),
  };
}
