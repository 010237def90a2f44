import { randomToken, sha256Hex } from '@aw/core/crypto';
import { hashPassword, verifyPassword } from '@aw/core/password';
import type { PrismaClient } from '@aw/db';

/** Failures from one client (browser IP, or "unknown") before that client is locked out. */
export const MAX_FAILED_LOGINS = 5;
/** Failures from all clients together within the window before the account itself is locked. */
export const MAX_FAILED_LOGINS_ACCOUNT = 50;
export const LOCKOUT_MINUTES = 15;
const WINDOW_MINUTES = 60;

let dummyHash: Promise<string> | undefined;
function dummy(): Promise<string> {
  dummyHash ??= hashPassword(randomToken());
  return dummyHash;
}

export type AuthResult =
  | { ok: true; user: { id: string; email: string; name: string } }
  | { ok: false; reason: 'invalid' | 'locked' };

async function throttleKeys(email: string, client: string) {
  // Hashed: the table does not become a list of who tried which address from where. Both keys
  // start with the email's hash, so a password reset can clear them all.
  const account = await sha256Hex(`account|${email}`);
  return { account, perClient: `${account}:${await sha256Hex(`client|${client}`)}`, perAccount: account };
}

function isLocked(row: { lockedUntil: Date | null } | null, now: Date): boolean {
  return !!row?.lockedUntil && row.lockedUntil > now;
}

async function recordFailure(prisma: PrismaClient, key: string, limit: number, now: Date): Promise<boolean> {
  const row = await prisma.loginThrottle.findUnique({ where: { key } });
  const fresh = !row || now.getTime() - row.windowStart.getTime() > WINDOW_MINUTES * 60_000;
  const failures = fresh ? 1 : row.failures + 1;
  const locked = failures >= limit;
  const data = {
    failures: locked ? 0 : failures,
    windowStart: fresh || locked ? now : row.windowStart,
    lockedUntil: locked ? new Date(now.getTime() + LOCKOUT_MINUTES * 60_000) : null,
  };
  await prisma.loginThrottle.upsert({ where: { key }, create: { key, ...data }, update: data });
  return locked;
}

/**
 * Checks an email and password, throttled in the database so it holds across app instances.
 * After MAX_FAILED_LOGINS failures from one client (`client`: the caller's IP when known) that
 * client is locked out of the account for LOCKOUT_MINUTES, even with the right password; other
 * clients are not, so a stranger cannot lock a person out. Only MAX_FAILED_LOGINS_ACCOUNT failures
 * within an hour from everywhere together (distributed guessing) lock the account itself.
 */
export async function authenticate(
  prisma: PrismaClient,
  emailInput: string,
  password: string,
  now = new Date(),
  opts: { client?: string } = {},
): Promise<AuthResult> {
  const email = emailInput.trim().toLowerCase();
  const keys = await throttleKeys(email, opts.client ?? 'unknown');
  const [perClient, perAccount] = await Promise.all([
    prisma.loginThrottle.findUnique({ where: { key: keys.perClient } }),
    prisma.loginThrottle.findUnique({ where: { key: keys.perAccount } }),
  ]);
  if (isLocked(perClient, now) || isLocked(perAccount, now)) return { ok: false, reason: 'locked' };

  const user = await prisma.user.findUnique({ where: { email } });
  const valid = user && !user.disabled ? await verifyPassword(user.passwordHash, password) : false;
  if (!user || user.disabled) await verifyPassword(await dummy(), password); // same cost either way
  if (!valid || !user) {
    const clientLocked = await recordFailure(prisma, keys.perClient, MAX_FAILED_LOGINS, now);
    const accountLocked = await recordFailure(prisma, keys.perAccount, MAX_FAILED_LOGINS_ACCOUNT, now);
    return { ok: false, reason: clientLocked || accountLocked ? 'locked' : 'invalid' };
  }
  await prisma.$transaction([
    prisma.loginThrottle.deleteMany({ where: { key: keys.perClient } }),
    prisma.user.update({ where: { id: user.id }, data: { lastLoginAt: now } }),
  ]);
  return { ok: true, user: { id: user.id, email: user.email, name: user.name } };
}

/** Clears every throttle of an email, from all clients (a password reset proved the owner). */
export async function clearLoginThrottle(
  prisma: Pick<PrismaClient, 'loginThrottle'>,
  email: string,
): Promise<void> {
  const { account } = await throttleKeys(email.trim().toLowerCase(), 'unknown');
  await prisma.loginThrottle.deleteMany({ where: { key: { startsWith: account } } });
}
