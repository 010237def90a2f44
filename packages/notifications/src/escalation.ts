// Escalation: while an incident stays OPEN (not acknowledged, not resolved), each step notifies
// its channels and the on-call person of its rotations, `afterMinutes` after the previous step;
// after the last step the steps repeat `repeat` more times. Acknowledging stops it: the next
// step's job finds the incident no longer OPEN and ends.
import { audit } from '@aw/accounts';
import { AppError } from '@aw/core/errors';
import type { PrismaClient } from '@aw/db';
import type { Job } from '@aw/jobs';
import { z } from 'zod';
import { ESCALATE_JOB, type NotificationDeps, now } from './deps.ts';
import { deliveryKey, queueDelivery } from './dispatch.ts';
import { incidentMessage } from './message.ts';
import { onCallAt } from './oncall.ts';

export const ZEscalationStep = z
  .object({
    afterMinutes: z.number().int().min(1).max(1440),
    channelIds: z.array(z.string().uuid()).max(10).default([]),
    rotationIds: z.array(z.string().uuid()).max(10).default([]),
  })
  .refine((s) => s.channelIds.length + s.rotationIds.length > 0, {
    message: 'a step needs a channel or a rotation',
  });
export const ZEscalationInput = z.object({
  name: z.string().trim().min(1).max(100),
  steps: z.array(ZEscalationStep).min(1).max(10),
  repeat: z.number().int().min(0).max(10).default(0),
});
export type TEscalationStep = z.output<typeof ZEscalationStep>;

export function parseSteps(raw: unknown): TEscalationStep[] {
  const r = z.array(ZEscalationStep).safeParse(raw);
  return r.success ? r.data : [];
}

export function firstStepDelayMs(raw: unknown): number | null {
  const s = parseSteps(raw)[0];
  return s ? s.afterMinutes * 60_000 : null;
}

export interface EscalatePayload {
  incidentId: string;
  mspId: string;
  escalationPolicyId: string;
  round: number;
  step: number;
}

export async function saveEscalationPolicy(
  prisma: PrismaClient,
  a: { mspId: string; actorId: string | null; id?: string; input: z.input<typeof ZEscalationInput> },
) {
  const r = ZEscalationInput.safeParse(a.input);
  if (!r.success)
    throw new AppError(
      'BAD_REQUEST',
      'invalid escalation policy',
      r.error.issues.map((i) => ({ field: i.path.join('.'), reason: i.message })),
    );
  const input = r.data;
  const channelIds = [...new Set(input.steps.flatMap((s) => s.channelIds))];
  const rotationIds = [...new Set(input.steps.flatMap((s) => s.rotationIds))];
  const [ch, ro] = await Promise.all([
    prisma.notificationChannel.count({ where: { id: { in: channelIds }, mspId: a.mspId } }),
    prisma.onCallRotation.count({ where: { id: { in: rotationIds }, mspId: a.mspId } }),
  ]);
  if (ch !== channelIds.length) throw new AppError('NOT_FOUND', 'channel not found');
  if (ro !== rotationIds.length) throw new AppError('NOT_FOUND', 'rotation not found');
  return prisma.$transaction(async (tx) => {
    let id = a.id;
    const data = { name: input.name, steps: input.steps, repeat: input.repeat };
    if (id) {
      const n = await tx.escalationPolicy.updateMany({ where: { id, mspId: a.mspId }, data });
      if (!n.count) throw new AppError('NOT_FOUND', 'escalation policy not found');
    } else id = (await tx.escalationPolicy.create({ data: { mspId: a.mspId, ...data } })).id;
    await audit(tx, {
      mspId: a.mspId,
      actorId: a.actorId,
      action: a.id ? 'notification.escalation.updated' : 'notification.escalation.created',
      targetType: 'escalationPolicy',
      targetId: id,
      data,
    });
    return { id };
  });
}

/** The ESCALATE_JOB handler: one step of one incident, then the next step is scheduled. */
export async function runEscalationStep(deps: NotificationDeps, job: Job<EscalatePayload>): Promise<void> {
  const p = job.payload;
  const inc = await deps.prisma.incident.findFirst({
    where: { id: p.incidentId, mspId: p.mspId },
    include: { company: { select: { name: true } } },
  });
  if (!inc || inc.status !== 'OPEN') return;
  const esc = await deps.prisma.escalationPolicy.findFirst({
    where: { id: p.escalationPolicyId, mspId: p.mspId },
  });
  const steps = parseSteps(esc?.steps);
  const step = steps[p.step];
  if (!esc || !step) return;
  const at = now(deps);
  const tag = `r${p.round}s${p.step}`;
  const base = {
    mspId: inc.mspId,
    companyId: inc.companyId,
    incidentId: inc.id,
    policyId: null,
    notBefore: at,
    grouped: false,
  };
  const detail = `Not acknowledged: escalation step ${p.step + 1} of ${steps.length}${p.round ? `, round ${p.round + 1}` : ''}.`;
  const msg = (key: string) =>
    incidentMessage({
      baseUrl: deps.baseUrl,
      trigger: 'escalation',
      incident: inc,
      companyName: inc.company.name,
      key,
      at,
      detail,
    });
  const channels = await deps.prisma.notificationChannel.findMany({
    where: { id: { in: step.channelIds }, mspId: inc.mspId, enabled: true },
  });
  const reached: string[] = [];
  for (const ch of channels) {
    if (ch.companyId && ch.companyId !== inc.companyId) continue;
    const key = deliveryKey(inc.id, 'escalation', ch.id, tag);
    await queueDelivery(deps, { ...base, channelId: ch.id, trigger: 'escalation', key, message: msg(key) });
    reached.push(ch.name);
  }
  const rotations = await deps.prisma.onCallRotation.findMany({
    where: { id: { in: step.rotationIds }, mspId: inc.mspId },
    include: { overrides: true },
  });
  for (const r of rotations) {
    const userId = onCallAt(r, at);
    const user = userId ? await deps.prisma.user.findUnique({ where: { id: userId } }) : null;
    if (!user) continue;
    const key = deliveryKey(inc.id, 'escalation', `user-${user.id}`, tag);
    await queueDelivery(deps, {
      ...base,
      channelId: null,
      recipient: user.email,
      trigger: 'escalation',
      key,
      message: msg(key),
    });
    reached.push(`${user.name ?? user.email} (on call, ${r.name})`);
  }
  await deps.prisma.incidentEvent.create({
    data: {
      mspId: inc.mspId,
      companyId: inc.companyId,
      incidentId: inc.id,
      type: 'notification.escalated',
      message: `${detail} Notified: ${reached.join(', ') || 'nobody (no channel or on-call person)'}`,
      data: { escalationPolicyId: esc.id, round: p.round, step: p.step, reached },
    },
  });
  const next =
    p.step + 1 < steps.length
      ? { round: p.round, step: p.step + 1 }
      : p.round < esc.repeat
        ? { round: p.round + 1, step: 0 }
        : null;
  if (!next) return;
  await deps.queue.enqueue(
    ESCALATE_JOB,
    { ...p, ...next },
    {
      singletonKey: `${inc.id}:${esc.id}:${next.round}:${next.step}`,
      runAt: new Date(at.getTime() + steps[next.step]!.afterMinutes * 60_000),
    },
  );
}

export async function listEscalationPolicies(prisma: PrismaClient, mspId: string) {
  return prisma.escalationPolicy.findMany({ where: { mspId }, orderBy: [{ name: 'asc' }, { id: 'asc' }] });
}
