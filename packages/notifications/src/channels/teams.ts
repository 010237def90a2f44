// Microsoft Teams through a Workflows ("Send webhook alerts to a channel") or legacy incoming
// webhook URL: a message whose one attachment is an Adaptive Card (schema 1.4).
import type { TMessage, TMessageIncident } from '../types.ts';

const COLOR: Record<string, string> = {
  CRITICAL: 'Attention',
  HIGH: 'Attention',
  MEDIUM: 'Warning',
  LOW: 'Accent',
  INFO: 'Default',
};

function facts(i: TMessageIncident) {
  return [
    { title: 'Severity', value: i.severity },
    { title: 'Status', value: i.status },
    { title: 'Asset', value: i.asset },
    { title: 'Signature', value: i.signature },
    { title: 'Alerts', value: String(i.alertCount) },
  ];
}

export function adaptiveCard(m: TMessage) {
  const body: Record<string, unknown>[] = [
    {
      type: 'TextBlock',
      text: m.title,
      size: 'Large',
      weight: 'Bolder',
      wrap: true,
      color: COLOR[m.incident?.severity ?? 'INFO'],
    },
    { type: 'TextBlock', text: `${m.companyName} · ${m.text}`, wrap: true, isSubtle: true },
  ];
  if (m.incident) body.push({ type: 'FactSet', facts: facts(m.incident) });
  for (const i of m.incidents ?? [])
    body.push({
      type: 'TextBlock',
      text: `**${i.severity}** [${i.title}](${i.url}) · ${i.alertCount} alert(s)`,
      wrap: true,
      spacing: 'Small',
    });
  const actions: Record<string, unknown>[] = [];
  if (m.incident) actions.push({ type: 'Action.OpenUrl', title: 'Open incident', url: m.incident.url });
  if (m.ackUrl) actions.push({ type: 'Action.OpenUrl', title: 'Acknowledge', url: m.ackUrl });
  return {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    body,
    ...(actions.length ? { actions } : {}),
  };
}

export function teamsPayload(m: TMessage) {
  return {
    type: 'message',
    attachments: [
      { contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: adaptiveCard(m) },
    ],
  };
}
