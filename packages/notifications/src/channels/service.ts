// Channel settings: create, update, list (secrets never leave), delete, send a test message.
// Every change is audited in the same transaction; a company id is checked against the MSP.
import { randomUUID } from 'node:crypto';
import { audit } from '@aw/accounts';
import { AppError } from '@aw/core/errors';
import type { PrismaClient } from '@aw/db';
import { z } from 'zod';
import { netOptions, type NotificationDeps, now } from '../deps.ts';
import type { TMessage } from '../types.ts';
import { checkDestination, DeliveryError } from './http.ts';
import { sealChannelSecret, type TChannelSecret } from './secrets.ts';
import { sendToChannel } from './send.ts';

const url = z.string().trim().min(1).max(2000);
const common = {
  name: z.string().trim().min(1).max(100),
  companyId: z.string().uuid().nullable().default(null),
  ratePerMinute: z.number().int().min(1).max(600).default(20),
  enabled: z.boolean().default(true),
};
export const ZChannelInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('EMAIL'), to: z.array(z.string().trim().email()).min(1).max(20), ...common }),
  z.object({ kind: z.literal('TEAMS'), url, ...common }),
  z.object({ kind: z.literal('SLACK'), url, ...common }),
  z.object({ kind: z.literal('WEBHOOK'), url, signingSecret: z.string().min(16).max(200), ...common }),
  z.object({
    kind: z.literal('PAGERDUTY'),
    routingKey: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9]{32}$/, 'a 32-character integration key'),
    /** Events endpoint override (EU service region: https://events.eu.pagerduty.com/v2/enqueue). */
    eventsUrl: url.optional(),
    ...common,
  }),
  z.object({ kind: z.literal('DEMO_INBOX'), ...common }),
]);
export type TChannelInput = z.input<typeof ZChannelInput>;

type Deps = Pick<
  NotificationDeps,
  'prisma' | 'encryptionKey' | 'allowHttp' | 'allowPrivateNetworks' | 'resolveHost'
>;

function split(input: z.output<typeof ZChannelInput>): { config: object; secret: TChannelSecret | null } {
  switch (input.kind) {
    case 'EMAIL':
      return { config: { to: input.to }, secret: null };
    case 'TEAMS':
    case 'SLACK':
      return { config: {}, secret: { url: input.url } };
    case 'WEBHOOK':
      return { config: {}, secret: { url: input.url, signingSecret: input.signingSecret } };
    case 'PAGERDUTY':
      return {
        config: input.eventsUrl ? { url: input.eventsUrl } : {},
        secret: { routingKey: input.routingKey },
      };
    case 'DEMO_INBOX':
      return { config: {}, secret: null };
  }
}

async function validateUrls(d: Deps, input: z.output<typeof ZChannelInput>) {
  const urls: [string, string][] = [];
  if ('url' in input) urls.push(['url', input.url]);
  if (input.kind === 'PAGERDUTY' && input.eventsUrl) urls.push(['eventsUrl', input.eventsUrl]);
  for (const [field, u] of urls)
    try {
      await checkDestination(u, netOptions(d));
    } catch (e) {
      if (!(e instanceof DeliveryError)) throw e;
      throw new AppError('BAD_REQUEST', e.message, [{ field, reason: e.message }]);
    }
}

async function checkCompany(prisma: PrismaClient, mspId: string, companyId: string | null) {
  if (!companyId) return;
  const c = await prisma.company.findFirst({ where: { id: companyId, mspId }, select: { id: true } });
  if (!c) throw new AppError('NOT_FOUND', 'company not found');
}

/** Creates or (with `id`) replaces a channel. Secrets are sealed; the audit entry names no secret. */
export async function saveChannel(
  d: Deps,
  a: { mspId: string; actorId: string | null; id?: string; input: TChannelInput },
) {
  const parsed = ZChannelInput.safeParse(a.input);
  if (!parsed.success)
    throw new AppError(
      'BAD_REQUEST',
      'invalid channel',
      parsed.error.issues.map((i) => ({ field: i.path.join('.'), reason: i.message })),
    );
  const input = parsed.data;
  await validateUrls(d, input);
  await checkCompany(d.prisma, a.mspId, input.companyId);
  const { config, secret } = split(input);
  const id = a.id ?? randomUUID();
  const data = {
    name: input.name,
    companyId: input.companyId,
    kind: input.kind,
    config,
    secretCiphertext: secret ? await sealChannelSecret(secret, id, d.encryptionKey) : null,
    ratePerMinute: input.ratePerMinute,
    enabled: input.enabled,
  };
  return d.prisma.$transaction(async (tx) => {
    if (a.id) {
      const n = await tx.notificationChannel.updateMany({ where: { id: a.id, mspId: a.mspId }, data });
      if (!n.count) throw new AppError('NOT_FOUND', 'channel not found');
    } else await tx.notificationChannel.create({ data: { id, mspId: a.mspId, ...data } });
    await audit(tx, {
      mspId: a.mspId,
      companyId: input.companyId,
      actorId: a.actorId,
      action: a.id ? 'notification.channel.updated' : 'notification.channel.created',
      targetType: 'notificationChannel',
      targetId: id,
      data: { name: input.name, kind: input.kind, ...config },
    });
    return { id };
  });
}

export const CHANNEL_SELECT = {
  id: true,
  companyId: true,
  name: true,
  kind: true,
  config: true,
  ratePerMinute: true,
  enabled: true,
  createdAt: true,
  updatedAt: true,
} as const;

export async function listChannels(prisma: PrismaClient, mspId: string) {
  return prisma.notificationChannel.findMany({
    where: { mspId },
    select: CHANNEL_SELECT,
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
  });
}

export async function deleteChannel(
  prisma: PrismaClient,
  a: { mspId: string; actorId: string | null; id: string },
) {
  return prisma.$transaction(async (tx) => {
    const ch = await tx.notificationChannel.findFirst({ where: { id: a.id, mspId: a.mspId } });
    if (!ch) throw new AppError('NOT_FOUND', 'channel not found');
    await tx.notificationChannel.delete({ where: { id: ch.id } });
    await audit(tx, {
      mspId: a.mspId,
      companyId: ch.companyId,
      actorId: a.actorId,
      action: 'notification.channel.deleted',
      targetType: 'notificationChannel',
      targetId: ch.id,
      data: { name: ch.name, kind: ch.kind },
    });
    return { id: ch.id };
  });
}

/** "Send test": one message straight to the channel (no queue), the outcome or the error returned. */
export async function testChannel(
  d: NotificationDeps,
  a: { mspId: string; actorId: string | null; id: string },
) {
  const ch = await d.prisma.notificationChannel.findFirst({ where: { id: a.id, mspId: a.mspId } });
  if (!ch) throw new AppError('NOT_FOUND', 'channel not found');
  const at = now(d);
  const m: TMessage = {
    trigger: 'test',
    title: `Test message from Alert Whisperer`,
    text: `The channel "${ch.name}" works: this is what a notification looks like.`,
    companyId: ch.companyId ?? '',
    companyName: 'Test',
    key: `test:${ch.id}:${at.getTime()}`,
    at: at.toISOString(),
  };
  try {
    const r = await sendToChannel(d, ch, m);
    return { ok: true as const, outcome: r.outcome };
  } catch (e) {
    return { ok: false as const, error: (e as Error).message };
  }
}
