import { randomToken, sha256Hex } from '@aw/core/crypto';
import { AppError } from '@aw/core/errors';
import { hashPassword, passwordProblem } from '@aw/core/password';
import type { PrismaClient } from '@aw/db';
import { clearLoginThrottle } from './authenticate.ts';
import type { Mailer } from './mail.ts';

export const RESET_MINUTES = 30;

/** Always succeeds from the caller's view, so the form does not reveal which emails exist. */
export async function requestPasswordReset(
  prisma: PrismaClient,
  emailInput: string,
  opts: { mailer: Mailer; baseUrl: string; now?: Date },
): Promise<void> {
  const email = emailInput.trim().toLowerCase();
  const user = await prisma.user.findUnique({ where: { email } });
  if (!user || user.disabled) return;
  const token = randomToken(32);
  const now = opts.now ?? new Date();
  await prisma.passwordResetToken.create({
    data: {
      userId: user.id,
      tokenHash: await sha256Hex(token),
      expiresAt: new Date(now.getTime() + RESET_MINUTES * 60_000),
    },
  });
  await opts.mailer.send({
    to: email,
    subject: 'Reset your Alert Whisperer password',
    text: `Set a new password (valid ${RESET_MINUTES} minutes, single use):\n${opts.baseUrl.replace(/\/$/, '')}/reset-password/${token}`,
  });
}

export async function resetPassword(prisma: PrismaClient, token: string, password: string, now = new Date()) {
  const problem = passwordProblem(password);
  if (problem)
    throw new AppError('BAD_REQUEST', `password ${problem}`, [{ field: 'password', reason: problem }]);
  const tokenHash = await sha256Hex(token);
  const passwordHash = await hashPassword(password);
  await prisma.$transaction(async (tx) => {
    const row = await tx.passwordResetToken.findUnique({ where: { tokenHash } });
    const claimed = row
      ? await tx.passwordResetToken.updateMany({
          where: { id: row.id, usedAt: null, expiresAt: { gt: now } },
          data: { usedAt: now },
        })
      : { count: 0 };
    if (!row || claimed.count !== 1)
      throw new AppError('NOT_FOUND', 'this reset link is invalid, expired or already used');
    const user = await tx.user.update({
      where: { id: row.userId },
      // Every session signed in before the reset ends on its next request (auth.ts compares).
      data: { passwordHash, sessionVersion: { increment: 1 } },
    });
    await clearLoginThrottle(tx, user.email);
    // Every other outstanding link for this user dies with this reset.
    await tx.passwordResetToken.updateMany({
      where: { userId: row.userId, usedAt: null },
      data: { usedAt: now },
    });
  });
}
