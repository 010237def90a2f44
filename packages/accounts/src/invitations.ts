import { randomToken, sha256Hex } from '@aw/core/crypto';
import { AppError } from '@aw/core/errors';
import { isClientRole, isStaffRole } from '@aw/core/domain';
import { hashPassword, passwordProblem } from '@aw/core/password';
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
  // The link goes to the invitee's mailbox only: whoever holds it has shown they read that mail.
  await opts.mailer.send({
    to: email,
    subject: 'You are invited to Alert Whisperer',
    text: `Accept your invitation (valid ${INVITATION_DAYS} days, single use):\n${url}`,
  });
  return { id: invitation.id, email, expiresAt: invitation.expiresAt };
}

async function openInvitation(prisma: PrismaClient, token: string, now: Date) {
  const inv = await prisma.invitation.findUnique({
    where: { tokenHash: await sha256Hex(token) },
    include: { msp: { select: { name: true } }, company: { select: { name: true } } },
  });
  if (!inv || inv.acceptedAt || inv.revokedAt || inv.expiresAt <= now) return null;
  return inv;
}

/**
 * What the accept page shows. Nothing in it depends on whether the address has an account: the
 * page offers both "sign in to accept" and "create an account", and never asks for a password.
 */
export async function describeInvitation(prisma: PrismaClient, token: string, now = new Date()) {
  const inv = await openInvitation(prisma, token, now);
  if (!inv) return null;
  return { email: inv.email, role: inv.role, mspName: inv.msp.name, companyName: inv.company?.name ?? null };
}

const GONE = 'this invitation is invalid, expired or already used';

/** Claims the invitation and adds the membership, once: the conditional update is the lock. */
async function join(
  tx: Tx,
  inv: { id: string; mspId: string; companyId: string | null; role: Role },
  userId: string,
  now: Date,
) {
  const claimed = await tx.invitation.updateMany({
    where: { id: inv.id, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
    data: { acceptedAt: now },
  });
  if (claimed.count !== 1) throw new AppError('NOT_FOUND', GONE);
  const already = await tx.membership.findUnique({ where: { userId_mspId: { userId, mspId: inv.mspId } } });
  if (already) throw new AppError('CONFLICT', 'you are already a member of this MSP');
  await tx.membership.create({
    data: { userId, mspId: inv.mspId, companyId: inv.companyId, role: inv.role },
  });
  await audit(tx, {
    mspId: inv.mspId,
    companyId: inv.companyId,
    actorId: userId,
    action: 'invitation.accepted',
    targetType: 'invitation',
    targetId: inv.id,
    data: { role: inv.role },
  });
}

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/**
 * Accepts for the signed-in user. Their address must be the invited one; proving who they are was
 * the sign-in's job (with its throttling), so no password is checked here.
 */
export async function acceptInvitationAsUser(
  prisma: PrismaClient,
  input: { token: string; userId: string },
  now = new Date(),
) {
  const inv = await openInvitation(prisma, input.token, now);
  if (!inv) throw new AppError('NOT_FOUND', GONE);
  const user = await prisma.user.findUnique({ where: { id: input.userId } });
  if (!user || user.disabled || user.email !== inv.email) {
    throw new AppError('FORBIDDEN', `this invitation is for ${inv.email}: sign in with that address`);
  }
  await prisma.$transaction((tx) => join(tx, inv, user.id, now));
  return { userId: user.id, mspId: inv.mspId };
}

export interface NewAccountInput {
  token: string;
  name: string;
  password: string;
}

/**
 * Creates the invited person's account and joins it. The token proves the mailbox; when the address
 * already has an account nothing is created and no password is looked at: the answer only says to
 * sign in, which only the mailbox owner (the token holder) sees.
 */
export async function acceptInvitationWithNewAccount(
  prisma: PrismaClient,
  input: NewAccountInput,
  now = new Date(),
) {
  const inv = await openInvitation(prisma, input.token, now);
  if (!inv) throw new AppError('NOT_FOUND', GONE);
  const accountExists = () =>
    new AppError('CONFLICT', 'this address already has an account: sign in to accept the invitation');
  // Before anything about the typed password: for an existing account, what was typed never matters.
  if (await prisma.user.findUnique({ where: { email: inv.email } })) throw accountExists();
  const problem = passwordProblem(input.password);
  if (problem)
    throw new AppError('BAD_REQUEST', `password ${problem}`, [{ field: 'password', reason: problem }]);
  const passwordHash = await hashPassword(input.password);
  try {
    return await prisma.$transaction(async (tx) => {
      const user = await tx.user.create({
        data: { email: inv.email, name: input.name.trim() || inv.email, passwordHash },
      });
      await join(tx, inv, user.id, now);
      return { userId: user.id, email: user.email };
    });
  } catch (e) {
    if ((e as { code?: string }).code === 'P2002') throw accountExists(); // created concurrently
    throw e;
  }
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
