// Slack incoming webhook: Block Kit blocks plus `text`, the fallback notifications show.
// Limits respected: header 150 chars, section text 3000, at most 10 fields, at most 50 blocks.
import type { TMessage } from '../types.ts';

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
/** mrkdwn control characters, escaped as Slack asks. */
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function slackPayload(m: TMessage) {
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: cut(m.title, 150), emoji: false } },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: cut(`*${esc(m.companyName)}* · ${esc(m.text)}`, 3000) },
      ...(m.incident
        ? {
            fields: [
              ['Severity', m.incident.severity],
              ['Status', m.incident.status],
              ['Asset', m.incident.asset],
              ['Signature', m.incident.signature],
              ['Alerts', String(m.incident.alertCount)],
            ].map(([k, v]) => ({ type: 'mrkdwn', text: cut(`*${k}*\n${esc(v!)}`, 2000) })),
          }
        : {}),
    },
  ];
  const list = m.incidents ?? [];
  for (const i of list.slice(0, 40))
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: cut(`*${i.severity}* <${i.url}|${esc(i.title)}> · ${i.alertCount} alert(s)`, 3000),
      },
    });
  if (list.length > 40)
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `and ${list.length - 40} more` }] });
  const buttons: Record<string, unknown>[] = [];
  if (m.incident)
    buttons.push({
      type: 'button',
      action_id: 'open',
      text: { type: 'plain_text', text: 'Open incident' },
      url: m.incident.url,
    });
  if (m.ackUrl)
    buttons.push({
      type: 'button',
      action_id: 'acknowledge',
      style: 'primary',
      text: { type: 'plain_text', text: 'Acknowledge' },
      url: m.ackUrl,
    });
  if (buttons.length) blocks.push({ type: 'actions', elements: buttons });
  return { text: cut(`${m.title} (${m.companyName})`, 3000), blocks };
}
