import { AppError } from '@aw/core/errors';
import type { PrismaClient, Role } from '@aw/db';
import { isClientRole } from '@aw/core/domain';
import { type Viewer, tenantScope } from './access.ts';
import { audit } from './audit.ts';
import { canInvite } from './invitations.ts';

/** Members the viewer may see: the whole MSP for staff, their company's people for client users. */
export async function listMembers(prisma: PrismaClient, viewer: Viewer) {
  const scope = tenantScope(viewer);
  const rows = await prisma.membership.findMany({
    where: scope.companyId ? { mspId: scope.mspId, companyId: scope.companyId } : { mspId: scope.mspId },
    include: {
      user: { select: { email: true, name: true, lastLoginAt: true } },
      company: { select: { name: true } },
    },
    orderBy: [{ role: 'asc' }, { createdAt: 'asc' }],
  });
  const invitations = await prisma.invitation.findMany({
    where: {
      mspId: scope.mspId,
      ...(scope.companyId ? { companyId: scope.companyId } : {}),
      acceptedAt: null,
      revokedAt: null,
      expiresAt: { gt: new Date() },
    },
    orderBy: { createdAt: 'desc' },
    select: { id: true, email: true, role: true, expiresAt: true, company: { select: { name: true } } },
  });
  return {
    members: rows.map((m) => ({
      id: m.id,
      userId: m.userId,
      email: m.user.email,
      name: m.user.name,
      role: m.role,
      company: m.company?.name ?? null,
      lastLoginAt: m.user.lastLoginAt,
    })),
    invitations,
  };
}

/**
 * The membership the viewer may see (listMembers' scope), or the one NOT_FOUND that a missing id
 * gets too: another MSP's member, or another company's for a client user, is not told apart.
 */
async function visibleMembership(prisma: PrismaClient, viewer: Viewer, membershipId: string) {
  const scope = tenantScope(viewer);
  const m = await prisma.membership.findFirst({
    where: {
      id: membershipId,
      mspId: scope.mspId,
      ...(scope.companyId ? { companyId: scope.companyId } : {}),
    },
  });
  if (!m) throw new AppError('NOT_FOUND', 'member not found');
  return m;
}

/**
 * Removes a membership. The member's sessions end on their next request (the session version is
 * bumped); the last owner stays.
 */
export async function removeMember(prisma: PrismaClient, viewer: Viewer, membershipId: string) {
  const m = await visibleMembership(prisma, viewer, membershipId);
  if (!canInvite(viewer, m.role, m.companyId))
    throw new AppError('FORBIDDEN', 'your role cannot remove this member');
  if (m.role === 'OWNER') {
    const owners = await prisma.membership.count({ where: { mspId: m.mspId, role: 'OWNER' } });
    if (owners <= 1) throw new AppError('CONFLICT', 'an MSP keeps at least one owner');
  }
  await prisma.$transaction(async (tx) => {
    await tx.membership.delete({ where: { id: m.id } });
    await tx.user.update({ where: { id: m.userId }, data: { sessionVersion: { increment: 1 } } });
    await audit(tx, {
      mspId: m.mspId,
      companyId: m.companyId,
      actorId: viewer.userId,
      action: 'member.removed',
      targetType: 'membership',
      targetId: m.id,
      data: { userId: m.userId, role: m.role },
    });
  });
}

export async function changeRole(prisma: PrismaClient, viewer: Viewer, membershipId: string, role: Role) {
  const m = await visibleMembership(prisma, viewer, membershipId);
  const clientTarget = isClientRole(role);
  if (clientTarget !== isClientRole(m.role)) {
    throw new AppError('BAD_REQUEST', 'staff and client roles cannot be swapped', [
      { field: 'role', reason: 'wrong kind' },
    ]);
  }
  if (!canInvite(viewer, m.role, m.companyId) || !canInvite(viewer, role, m.companyId)) {
    throw new AppError('FORBIDDEN', 'your role cannot change this member');
  }
  if (m.role === 'OWNER' && role !== 'OWNER') {
    const owners = await prisma.membership.count({ where: { mspId: m.mspId, role: 'OWNER' } });
    if (owners <= 1) throw new AppError('CONFLICT', 'an MSP keeps at least one owner');
  }
  await prisma.$transaction(async (tx) => {
    await tx.membership.update({ where: { id: m.id }, data: { role } });
    await audit(tx, {
      mspId: m.mspId,
      companyId: m.companyId,
      actorId: viewer.userId,
      action: 'member.role_changed',
      targetType: 'membership',
      targetId: m.id,
      data: { from: m.role, to: role },
    });
  });
}

export async function listAuditLog(
  prisma: PrismaClient,
  viewer: Viewer,
  opts: { cursor?: bigint; limit?: number } = {},
) {
  const scope = tenantScope(viewer);
  const limit = Math.min(opts.limit ?? 50, 200);
  const rows = await prisma.auditLog.findMany({
    where: {
      mspId: scope.mspId,
      ...(scope.companyId ? { companyId: scope.companyId } : {}),
      ...(opts.cursor ? { id: { lt: opts.cursor } } : {}),
    },
    orderBy: { id: 'desc' },
    take: limit + 1,
  });
  const actorIds = [...new Set(rows.map((r) => r.actorId).filter((x): x is string => !!x))];
  const actors = await prisma.user.findMany({
    where: { id: { in: actorIds } },
    select: { id: true, email: true },
  });
  const byId = new Map(actors.map((a) => [a.id, a.email]));
  return {
    items: rows
      .slice(0, limit)
      .map((r) => ({ ...r, actor: r.actorId ? (byId.get(r.actorId) ?? null) : null })),
    nextCursor: rows.length > limit ? rows[limit - 1]!.id : null,
  };
}
