// Plain-text email through the platform mailer (SMTP in production, console locally).
import type { Mail } from '@aw/accounts';
import type { TMessage } from '../types.ts';

export function emailFor(m: TMessage, to: string): Mail {
  const lines = [m.text, ''];
  if (m.incident) {
    const i = m.incident;
    lines.push(
      `Company:   ${m.companyName}`,
      `Severity:  ${i.severity}`,
      `Status:    ${i.status}`,
      `Asset:     ${i.asset}`,
      `Signature: ${i.signature}`,
      `Alerts:    ${i.alertCount}`,
      '',
      `Open: ${i.url}`,
    );
  }
  for (const i of m.incidents ?? [])
    lines.push(`- [${i.severity}] ${i.title} (${i.alertCount} alerts) ${i.url}`);
  if (m.ackUrl) lines.push('', `Acknowledge (no sign-in, single use): ${m.ackUrl}`);
  return { to, subject: `[Alert Whisperer] ${m.title}`.slice(0, 200), text: lines.join('\n') };
}
