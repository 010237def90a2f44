import { randomToken, sha256Hex } from '@aw/core/crypto';
import { AppError } from '@aw/core/errors';
import { isClientRole, isStaffRole } from '@aw/core/domain';
import { hashPassword, passwordProblem, verifyPassword } from '@aw/core/password';
import { can } from '@aw/core/permissions';
import type { PrismaClient, Role } from '@aw/db';
import type { Viewer } from './access.ts';
import { audit } from './audit.ts';
import type { Mailer } from './mail.ts';

export const INVITATION_DAYS = 7;

/** Which roles a viewer may hand out. */
export function canInvite(viewer: Viewer, role: Role, companyId: string | null): boolean {
  const mine = viewer.membership.role;
  if (isClientRole(role)) {
    if (!companyId || !can(mine, 'member.invite.client')) return false;
    // Client people invite to their own company only.
    return isStaffRole(mine) || viewer.membership.companyId === companyId;
  }
  return can(mine, role === 'OWNER' ? 'member.invite.owner' : 'member.invite.staff');
}

export interface InviteInput {
  email: string;
  role: Role;
  companyId: string | null;
}

export async function createInvitation(
  prisma: PrismaClient,
  viewer: Viewer,
  input: InviteInput,
  opts: { mailer: Mailer; baseUrl: string; now?: Date },
) {
  const email = input.email.trim().toLowerCase();
  const mspId = viewer.membership.mspId;
  const companyId = isClientRole(input.role) ? input.companyId : null;
  if (!canInvite(viewer, input.role, companyId)) {
    throw new AppError('FORBIDDEN', 'your role cannot invite this role', [
      { field: 'role', reason: 'not allowed' },
    ]);
  }
  if (companyId && !(await prisma.company.findFirst({ where: { id: companyId, mspId } }))) {
    throw new AppError('NOT_FOUND', 'company not found', [{ field: 'companyId', reason: 'not found' }]);
  }
  const existing = await prisma.user.findUnique({
    where: { email },
    include: { memberships: { where: { mspId } } },
  });
  if (existing?.memberships.length) {
    throw new AppError('CONFLICT', 'this person is already a member', [
      { field: 'email', reason: 'already a member' },
    ]);
  }
  const token = randomToken(32);
  const now = opts.now ?? new Date();
  const invitation = await prisma.$transaction(async (tx) => {
    const inv = await tx.invitation.create({
      data: {
        mspId,
        companyId,
        email,
        role: input.role,
        tokenHash: await sha256Hex(token),
        invitedById: viewer.userId,
        expiresAt: new Date(now.getTime() + INVITATION_DAYS * 86_400_000),
      },
    });
    await audit(tx, {
      mspId,
      companyId,
      actorId: viewer.userId,
      action: 'invitation.created',
      targetType: 'invitation',
      targetId: inv.id,
      data: { email, role: input.role },
    });
    return inv;
  });
  const url = `${opts.baseUrl.replace(/\/$/, '')}/invite/${token}`;
  await opts.mailer.send({
    to: email,
    subject: 'You are invited to Alert Whisperer',
    text: `Accept your invitation (valid ${INVITATION_DAYS} days, single use):\n${url}`,
  });
  return { id: invitation.id, url, expiresAt: invitation.expiresAt };
}

/** What the accept page shows before the person sets a password. */
export async function describeInvitation(prisma: PrismaClient, token: string, now = new Date()) {
  const inv = await prisma.invitation.findUnique({
    where: { tokenHash: await sha256Hex(token) },
    include: { msp: { select: { name: true } }, company: { select: { name: true } } },
  });
  if (!inv || inv.acceptedAt || inv.revokedAt || inv.expiresAt <= now) return null;
  const hasAccount = !!(await prisma.user.findUnique({ where: { email: inv.email } }));
  return {
    email: inv.email,
    role: inv.role,
    mspName: inv.msp.name,
    companyName: inv.company?.name ?? null,
    hasAccount,
  };
}

export interface AcceptInput {
  token: string;
  name: string;
  password: string;
}

/**
 * Accepts an invitation exactly once: the conditional update of `acceptedAt` is the lock, so two
 * concurrent accepts cannot both succeed. New people get an account; people who already have one
 * prove it with their password.
 */
export async function acceptInvitation(prisma: PrismaClient, input: AcceptInput, now = new Date()) {
  const tokenHash = await sha256Hex(input.token);
  const inv = await prisma.invitation.findUnique({ where: { tokenHash } });
  if (!inv || inv.revokedAt || inv.expiresAt <= now || inv.acceptedAt) {
    throw new AppError('NOT_FOUND', 'this invitation is invalid, expired or already used');
  }
  const existing = await prisma.user.findUnique({ where: { email: inv.email } });
  if (existing) {
    if (!(await verifyPassword(existing.passwordHash, input.password))) {
      throw new AppError('UNAUTHORIZED', 'wrong password for the existing account', [
        { field: 'password', reason: 'does not match' },
      ]);
    }
  } else {
    const problem = passwordProblem(input.password);
    if (problem)
      throw new AppError('BAD_REQUEST', `password ${problem}`, [{ field: 'password', reason: problem }]);
  }
  const passwordHash = existing ? null : await hashPassword(input.password);
  return prisma.$transaction(async (tx) => {
    const claimed = await tx.invitation.updateMany({
      where: { id: inv.id, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
      data: { acceptedAt: now },
    });
    if (claimed.count !== 1)
      throw new AppError('NOT_FOUND', 'this invitation is invalid, expired or already used');
    const user =
      existing ??
      (await tx.user.create({
        data: { email: inv.email, name: input.name.trim() || inv.email, passwordHash: passwordHash! },
      }));
    const already = await tx.membership.findUnique({
      where: { userId_mspId: { userId: user.id, mspId: inv.mspId } },
    });
    if (already) throw new AppError('CONFLICT', 'already a member of this MSP');
    await tx.membership.create({
      data: { userId: user.id, mspId: inv.mspId, companyId: inv.companyId, role: inv.role },
    });
    await audit(tx, {
      mspId: inv.mspId,
      companyId: inv.companyId,
      actorId: user.id,
      action: 'invitation.accepted',
      targetType: 'invitation',
      targetId: inv.id,
      data: { role: inv.role },
    });
    return { userId: user.id, email: user.email };
  });
}

export async function revokeInvitation(prisma: PrismaClient, viewer: Viewer, id: string) {
  const inv = await prisma.invitation.findFirst({ where: { id, mspId: viewer.membership.mspId } });
  if (!inv || !canInvite(viewer, inv.role, inv.companyId))
    throw new AppError('NOT_FOUND', 'invitation not found');
  await prisma.$transaction(async (tx) => {
    await tx.invitation.update({ where: { id }, data: { revokedAt: new Date() } });
    await audit(tx, {
      mspId: inv.mspId,
      companyId: inv.companyId,
      actorId: viewer.userId,
      action: 'invitation.revoked',
      targetType: 'invitation',
      targetId: id,
    });
  });
}
