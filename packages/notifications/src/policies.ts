// Notification policies: which incidents (company, severity, asset/signature matchers), which
// triggers, which channels, when (quiet/business hours), grouping and escalation.
import { audit } from '@aw/accounts';
import { AppError } from '@aw/core/errors';
import { allMatch, matcherProblem, parseMatchers } from '@aw/correlation/engine';
import type { NotificationPolicy, PrismaClient } from '@aw/db';
import { z } from 'zod';
import { type Schedule, ZBusinessHours, ZQuietHours } from './schedule.ts';
import { SEVERITIES, type TSeverity, ZTrigger } from './types.ts';

export const ZMatcher = z.object({
  field: z.enum(['asset', 'signature', 'source']),
  op: z.enum(['=', '!=', '=~', '!~']),
  value: z.string().max(500),
});

export const ZPolicyInput = z.object({
  name: z.string().trim().min(1).max(100),
  companyId: z.string().uuid().nullable().default(null),
  enabled: z.boolean().default(true),
  severities: z.array(z.enum(SEVERITIES)).default([]),
  matchers: z.array(ZMatcher).max(20).default([]),
  triggers: z.array(ZTrigger).min(1),
  channelIds: z.array(z.string().uuid()).max(20).default([]),
  quietHours: ZQuietHours.nullable().default(null),
  businessHours: ZBusinessHours.nullable().default(null),
  groupWaitSeconds: z.number().int().min(0).max(3600).default(30),
  groupIntervalSeconds: z.number().int().min(0).max(86_400).default(300),
  digestThreshold: z.number().int().min(2).max(1000).default(3),
  escalationPolicyId: z.string().uuid().nullable().default(null),
  /** Open a ticket in this PSA connection when a covered incident opens. */
  psaConnectionId: z.string().uuid().nullable().default(null),
});
export type TPolicyInput = z.input<typeof ZPolicyInput>;

function parseInput(input: unknown) {
  const parsed = ZPolicyInput.safeParse(input);
  if (!parsed.success)
    throw new AppError(
      'BAD_REQUEST',
      'invalid notification policy',
      parsed.error.issues.map((i) => ({ field: i.path.join('.'), reason: i.message })),
    );
  const problems = parsed.data.matchers.flatMap((m, i) => {
    const reason = matcherProblem(m);
    return reason ? [{ field: `matchers.${i}.value`, reason }] : [];
  });
  if (problems.length) throw new AppError('BAD_REQUEST', 'invalid matcher', problems);
  if (!parsed.data.channelIds.length && !parsed.data.psaConnectionId)
    throw new AppError('BAD_REQUEST', 'invalid notification policy', [
      { field: 'channelIds', reason: 'pick at least one channel or a PSA connection' },
    ]);
  return parsed.data;
}

export async function savePolicy(
  prisma: PrismaClient,
  a: { mspId: string; actorId: string | null; id?: string; input: TPolicyInput },
) {
  const input = parseInput(a.input);
  if (input.companyId) {
    const c = await prisma.company.findFirst({ where: { id: input.companyId, mspId: a.mspId } });
    if (!c) throw new AppError('NOT_FOUND', 'company not found');
  }
  const channels = await prisma.notificationChannel.findMany({
    where: { id: { in: input.channelIds }, mspId: a.mspId },
    select: { id: true, companyId: true },
  });
  const missing = input.channelIds.filter((id) => !channels.some((c) => c.id === id));
  if (missing.length)
    throw new AppError(
      'NOT_FOUND',
      'channel not found',
      missing.map((id) => ({ field: 'channelIds', reason: id })),
    );
  const foreign = channels.filter((c) => c.companyId && c.companyId !== input.companyId);
  if (foreign.length)
    throw new AppError('BAD_REQUEST', 'a company channel can only serve a policy of that company', [
      { field: 'channelIds', reason: foreign.map((c) => c.id).join(',') },
    ]);
  if (input.escalationPolicyId) {
    const e = await prisma.escalationPolicy.findFirst({
      where: { id: input.escalationPolicyId, mspId: a.mspId },
    });
    if (!e) throw new AppError('NOT_FOUND', 'escalation policy not found');
  }
  if (input.psaConnectionId) {
    const c = await prisma.psaConnection.findFirst({ where: { id: input.psaConnectionId, mspId: a.mspId } });
    if (!c)
      throw new AppError('NOT_FOUND', 'PSA connection not found', [
        { field: 'psaConnectionId', reason: 'not a PSA connection of this MSP' },
      ]);
  }
  const data = {
    ...input,
    quietHours: input.quietHours ?? undefined,
    businessHours: input.businessHours ?? undefined,
  };
  return prisma.$transaction(async (tx) => {
    let id = a.id;
    if (id) {
      const n = await tx.notificationPolicy.updateMany({ where: { id, mspId: a.mspId }, data });
      if (!n.count) throw new AppError('NOT_FOUND', 'policy not found');
    } else id = (await tx.notificationPolicy.create({ data: { mspId: a.mspId, ...data } })).id;
    await audit(tx, {
      mspId: a.mspId,
      companyId: input.companyId,
      actorId: a.actorId,
      action: a.id ? 'notification.policy.updated' : 'notification.policy.created',
      targetType: 'notificationPolicy',
      targetId: id,
      data: JSON.parse(JSON.stringify(input)),
    });
    return { id };
  });
}

export async function listPolicies(prisma: PrismaClient, mspId: string) {
  return prisma.notificationPolicy.findMany({ where: { mspId }, orderBy: [{ name: 'asc' }, { id: 'asc' }] });
}

export async function deletePolicy(
  prisma: PrismaClient,
  a: { mspId: string; actorId: string | null; id: string },
) {
  return prisma.$transaction(async (tx) => {
    const p = await tx.notificationPolicy.findFirst({ where: { id: a.id, mspId: a.mspId } });
    if (!p) throw new AppError('NOT_FOUND', 'policy not found');
    await tx.notificationPolicy.delete({ where: { id: p.id } });
    await audit(tx, {
      mspId: a.mspId,
      companyId: p.companyId,
      actorId: a.actorId,
      action: 'notification.policy.deleted',
      targetType: 'notificationPolicy',
      targetId: p.id,
      data: { name: p.name },
    });
    return { id: p.id };
  });
}

/** Does the policy cover this incident? (company, severity, matchers; the trigger is checked by the caller) */
export function policyCovers(
  p: Pick<NotificationPolicy, 'companyId' | 'severities' | 'matchers' | 'enabled'>,
  inc: { companyId: string; severity: string; asset: string; signature: string; source: string },
): boolean {
  if (!p.enabled) return false;
  if (p.companyId && p.companyId !== inc.companyId) return false;
  if (p.severities.length && !p.severities.includes(inc.severity as TSeverity)) return false;
  return allMatch(
    {
      source: inc.source,
      asset: inc.asset,
      signature: inc.signature,
      service: null,
      severity: inc.severity,
      labels: {},
    },
    parseMatchers(p.matchers),
  );
}

export function policySchedule(
  p: Pick<NotificationPolicy, 'quietHours' | 'businessHours'>,
  timeZone: string,
): Schedule {
  const q = ZQuietHours.safeParse(p.quietHours);
  const b = ZBusinessHours.safeParse(p.businessHours);
  return { timeZone, quietHours: q.success ? q.data : null, businessHours: b.success ? b.data : null };
}
