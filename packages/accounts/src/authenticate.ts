import { randomToken } from '@aw/core/crypto';
import { hashPassword, verifyPassword } from '@aw/core/password';
import type { PrismaClient } from '@aw/db';

export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MINUTES = 15;

// A hash of a random password: verifying against it costs the same as a real check, so response
// time does not reveal whether an email has an account.
let dummyHash: Promise<string> | undefined;
function dummy(): Promise<string> {
  dummyHash ??= hashPassword(randomToken());
  return dummyHash;
}

export type AuthResult =
  | { ok: true; user: { id: string; email: string; name: string } }
  | { ok: false; reason: 'invalid' | 'locked' };

/**
 * Checks an email and password. After MAX_FAILED_LOGINS failures the account is locked for
 * LOCKOUT_MINUTES, even for the right password: throttling that works across app instances
 * because the counter lives in the database.
 */
export async function authenticate(
  prisma: PrismaClient,
  emailInput: string,
  password: string,
  now = new Date(),
): Promise<AuthResult> {
  const email = emailInput.trim().toLowerCase();
  const user = await prisma.user.findUnique({ where: { email } });
  if (!user || user.disabled) {
    await verifyPassword(await dummy(), password);
    return { ok: false, reason: 'invalid' };
  }
  if (user.lockedUntil && user.lockedUntil > now) return { ok: false, reason: 'locked' };
  const valid = await verifyPassword(user.passwordHash, password);
  if (!valid) {
    const failed = user.failedLogins + 1;
    await prisma.user.update({
      where: { id: user.id },
      data: {
        failedLogins: failed >= MAX_FAILED_LOGINS ? 0 : failed,
        lockedUntil: failed >= MAX_FAILED_LOGINS ? new Date(now.getTime() + LOCKOUT_MINUTES * 60_000) : null,
      },
    });
    return { ok: false, reason: failed >= MAX_FAILED_LOGINS ? 'locked' : 'invalid' };
  }
  await prisma.user.update({
    where: { id: user.id },
    data: { failedLogins: 0, lockedUntil: null, lastLoginAt: now },
  });
  return { ok: true, user: { id: user.id, email: user.email, name: user.name } };
}
