// The neutral message for one trigger of one incident (every channel renders this).
import type { Incident } from '@aw/db';
import type { TMessage, TMessageIncident, TSeverity } from './types.ts';

type Inc = Pick<
  Incident,
  'id' | 'companyId' | 'title' | 'severity' | 'status' | 'asset' | 'signature' | 'alertCount'
>;

export function incidentUrl(baseUrl: string, id: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/incidents/${id}`;
}

export function messageIncident(baseUrl: string, i: Inc): TMessageIncident {
  return {
    incidentId: i.id,
    title: i.title,
    severity: i.severity as TSeverity,
    status: i.status,
    asset: i.asset,
    signature: i.signature,
    alertCount: i.alertCount,
    url: incidentUrl(baseUrl, i.id),
  };
}

const HEADLINE: Record<string, (t: string) => string> = {
  'incident.opened': (t) => `New incident: ${t}`,
  'incident.severity_raised': (t) => `Severity raised: ${t}`,
  'incident.acknowledged': (t) => `Acknowledged: ${t}`,
  'incident.resolved': (t) => `Resolved: ${t}`,
  'incident.flapping': (t) => `Flapping: ${t}`,
  'runbook.started': (t) => `Runbook started: ${t}`,
  'runbook.succeeded': (t) => `Runbook succeeded: ${t}`,
  'runbook.failed': (t) => `Runbook failed: ${t}`,
  escalation: (t) => `Not acknowledged, escalated: ${t}`,
};

export function incidentMessage(a: {
  baseUrl: string;
  trigger: string;
  incident: Inc;
  companyName: string;
  key: string;
  at: Date;
  detail?: string;
}): TMessage {
  const i = a.incident;
  const headline = HEADLINE[a.trigger] ?? ((t: string) => t);
  return {
    trigger: a.trigger,
    title: headline(i.title),
    text: a.detail ?? `${i.severity} · ${i.asset} · ${i.signature} · ${i.alertCount} alert(s)`,
    companyId: i.companyId,
    companyName: a.companyName,
    incident: messageIncident(a.baseUrl, i),
    key: a.key,
    at: a.at.toISOString(),
  };
}

export function digestMessage(a: {
  companyId: string;
  companyName: string;
  incidents: TMessageIncident[];
  key: string;
  at: Date;
}): TMessage {
  return {
    trigger: 'digest',
    title: `${a.incidents.length} new incidents at ${a.companyName}`,
    text: `${a.incidents.length} incidents opened at once; one message instead of ${a.incidents.length}.`,
    companyId: a.companyId,
    companyName: a.companyName,
    incidents: a.incidents,
    key: a.key,
    at: a.at.toISOString(),
  };
}
