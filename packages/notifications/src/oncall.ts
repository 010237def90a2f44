// Weekly on-call rotations: members take turns one week each from `startsAt`; an override covering
// the instant wins (the latest created, when overrides overlap).
import { audit } from '@aw/accounts';
import { AppError } from '@aw/core/errors';
import type { PrismaClient } from '@aw/db';
import { z } from 'zod';

const WEEK_MS = 7 * 24 * 3_600_000;

export interface RotationLike {
  userIds: string[];
  startsAt: Date;
  overrides: { userId: string; startsAt: Date; endsAt: Date; createdAt: Date }[];
}

/** Who is on call at `at`, or null before the rotation starts / with no members. */
export function onCallAt(r: RotationLike, at: Date): string | null {
  const o = r.overrides
    .filter((x) => x.startsAt <= at && at < x.endsAt)
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
  if (o) return o.userId;
  if (!r.userIds.length || at < r.startsAt) return null;
  const week = Math.floor((at.getTime() - r.startsAt.getTime()) / WEEK_MS);
  return r.userIds[week % r.userIds.length]!;
}

export const ZRotationInput = z.object({
  name: z.string().trim().min(1).max(100),
  userIds: z.array(z.string().uuid()).min(1).max(50),
  startsAt: z.coerce.date(),
});
export const ZOverrideInput = z
  .object({
    rotationId: z.string().uuid(),
    userId: z.string().uuid(),
    startsAt: z.coerce.date(),
    endsAt: z.coerce.date(),
  })
  .refine((o) => o.endsAt > o.startsAt, { message: 'endsAt must be after startsAt', path: ['endsAt'] });

async function checkStaff(prisma: PrismaClient, mspId: string, userIds: string[]) {
  const ms = await prisma.membership.findMany({
    where: { mspId, userId: { in: userIds }, role: { in: ['OWNER', 'ADMIN', 'TECHNICIAN'] } },
    select: { userId: true },
  });
  const missing = userIds.filter((u) => !ms.some((m) => m.userId === u));
  if (missing.length)
    throw new AppError('BAD_REQUEST', 'on-call members must be staff of the MSP', [
      { field: 'userIds', reason: missing.join(',') },
    ]);
}

function parse<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const r = schema.safeParse(input);
  if (!r.success)
    throw new AppError(
      'BAD_REQUEST',
      `invalid ${what}`,
      r.error.issues.map((i) => ({ field: i.path.join('.'), reason: i.message })),
    );
  return r.data;
}

export async function saveRotation(
  prisma: PrismaClient,
  a: { mspId: string; actorId: string | null; id?: string; input: z.input<typeof ZRotationInput> },
) {
  const input = parse(ZRotationInput, a.input, 'rotation');
  await checkStaff(prisma, a.mspId, input.userIds);
  return prisma.$transaction(async (tx) => {
    let id = a.id;
    if (id) {
      const n = await tx.onCallRotation.updateMany({ where: { id, mspId: a.mspId }, data: input });
      if (!n.count) throw new AppError('NOT_FOUND', 'rotation not found');
    } else id = (await tx.onCallRotation.create({ data: { mspId: a.mspId, ...input } })).id;
    await audit(tx, {
      mspId: a.mspId,
      actorId: a.actorId,
      action: a.id ? 'notification.rotation.updated' : 'notification.rotation.created',
      targetType: 'onCallRotation',
      targetId: id,
      data: { name: input.name, userIds: input.userIds, startsAt: input.startsAt.toISOString() },
    });
    return { id };
  });
}

export async function addOverride(
  prisma: PrismaClient,
  a: { mspId: string; actorId: string | null; input: z.input<typeof ZOverrideInput> },
) {
  const input = parse(ZOverrideInput, a.input, 'override');
  const r = await prisma.onCallRotation.findFirst({ where: { id: input.rotationId, mspId: a.mspId } });
  if (!r) throw new AppError('NOT_FOUND', 'rotation not found');
  await checkStaff(prisma, a.mspId, [input.userId]);
  return prisma.$transaction(async (tx) => {
    const o = await tx.onCallOverride.create({ data: input });
    await audit(tx, {
      mspId: a.mspId,
      actorId: a.actorId,
      action: 'notification.rotation.override',
      targetType: 'onCallRotation',
      targetId: r.id,
      data: {
        userId: input.userId,
        startsAt: input.startsAt.toISOString(),
        endsAt: input.endsAt.toISOString(),
      },
    });
    return { id: o.id };
  });
}

export async function listRotations(prisma: PrismaClient, mspId: string, at: Date) {
  const rs = await prisma.onCallRotation.findMany({
    where: { mspId },
    include: { overrides: { where: { endsAt: { gt: at } }, orderBy: { startsAt: 'asc' } } },
    orderBy: { name: 'asc' },
  });
  return rs.map((r) => ({ ...r, onCallNow: onCallAt(r, at) }));
}
