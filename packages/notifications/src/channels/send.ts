// Renders a message for one channel and sends it. Returns what happened, for the timeline.
import type { NotificationChannel } from '@aw/db';
import { netOptions, type NotificationDeps, now } from '../deps.ts';
import type { TMessage } from '../types.ts';
import { emailFor } from './email.ts';
import { DeliveryError, postJson } from './http.ts';
import { PAGERDUTY_EVENTS_URL, pagerDutyAction, pagerDutyEvent } from './pagerduty.ts';
import { openChannelSecret } from './secrets.ts';
import { slackPayload } from './slack.ts';
import { teamsPayload } from './teams.ts';
import { webhookRequest } from './webhook.ts';

export type Channel = Pick<
  NotificationChannel,
  'id' | 'mspId' | 'kind' | 'config' | 'secretCiphertext' | 'name'
>;

export interface SendResult {
  /** e.g. "200", "pagerduty trigger 202", "2 mails", "skipped: …" */
  outcome: string;
}

function emailRecipients(config: unknown): string[] {
  const to = (config as { to?: unknown } | null)?.to;
  return Array.isArray(to) ? to.filter((x): x is string => typeof x === 'string') : [];
}

export async function sendToChannel(
  deps: NotificationDeps,
  channel: Channel,
  m: TMessage,
  extra: { deliveryId?: string } = {},
): Promise<SendResult> {
  const http = netOptions(deps);
  const secret = await openChannelSecret(channel.secretCiphertext, channel.id, deps.encryptionKey);
  const need = (v: string | undefined, what: string) => {
    if (!v) throw new DeliveryError(`channel "${channel.name}" has no ${what}`, true);
    return v;
  };
  const idem = { 'Idempotency-Key': m.key };
  switch (channel.kind) {
    case 'TEAMS': {
      const r = await postJson(need(secret.url, 'webhook URL'), JSON.stringify(teamsPayload(m)), idem, http);
      return { outcome: `teams ${r.status}` };
    }
    case 'SLACK': {
      const r = await postJson(need(secret.url, 'webhook URL'), JSON.stringify(slackPayload(m)), idem, http);
      return { outcome: `slack ${r.status}` };
    }
    case 'WEBHOOK': {
      const req = await webhookRequest(
        m,
        need(secret.signingSecret, 'signing secret'),
        Math.floor(now(deps).getTime() / 1000),
      );
      const r = await postJson(need(secret.url, 'URL'), req.body, req.headers, http);
      return { outcome: `webhook ${r.status}` };
    }
    case 'PAGERDUTY': {
      const action = pagerDutyAction(m.trigger);
      if (!action) return { outcome: `skipped: PagerDuty is not told about ${m.trigger}` };
      const url = (channel.config as { url?: string } | null)?.url ?? PAGERDUTY_EVENTS_URL;
      const event = pagerDutyEvent(m, need(secret.routingKey, 'routing key'), action);
      const r = await postJson(url, JSON.stringify(event), {}, http);
      return { outcome: `pagerduty ${action} ${r.status}` };
    }
    case 'EMAIL': {
      const to = emailRecipients(channel.config);
      if (!to.length) throw new DeliveryError(`channel "${channel.name}" has no recipients`, true);
      for (const addr of to) await deps.mailer.send(emailFor(m, addr));
      return { outcome: `${to.length} mail(s)` };
    }
    case 'DEMO_INBOX': {
      if (!extra.deliveryId) return { outcome: 'demo inbox (test not stored)' };
      await deps.prisma.notificationInboxMessage.upsert({
        where: { deliveryId: extra.deliveryId },
        create: {
          mspId: channel.mspId,
          channelId: channel.id,
          deliveryId: extra.deliveryId,
          title: m.title,
          body: { message: m, teams: teamsPayload(m), slack: slackPayload(m) } as object,
        },
        update: {},
      });
      return { outcome: 'demo inbox' };
    }
  }
}
