import { randomToken, sha256Hex } from '@aw/core/crypto';
import { hashPassword, verifyPassword } from '@aw/core/password';
import type { PrismaClient } from '@aw/db';

/** Failures from one client (its address) on one account before that pair is locked out. */
export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MINUTES = 15;
/** Failures on an account, from anywhere, before every attempt on it is slowed down. */
export const SLOWDOWN_AFTER = 5;
const SLOWDOWN_BASE_MS = 250;
export const SLOWDOWN_MAX_MS = 8_000;
const WINDOW_MINUTES = 60;

let dummyHash: Promise<string> | undefined;
function dummy(): Promise<string> {
  dummyHash ??= hashPassword(randomToken());
  return dummyHash;
}

export type AuthResult =
  | { ok: true; user: { id: string; email: string; name: string; sessionVersion: number } }
  | { ok: false; reason: 'invalid' | 'locked' };

export interface AuthOptions {
  /** The caller's address (see client-address.ts); "unknown" when the transport cannot tell. */
  client?: string;
  /** How the account slow-down waits; tests pass a recorder. */
  sleep?: (ms: number) => Promise<void>;
}

async function throttleKeys(email: string, client: string) {
  // Hashed: the table does not become a list of who tried which address from where. Both keys
  // start with the email's hash, so a password reset can clear them all.
  const account = await sha256Hex(`account|${email}`);
  return { account, perClient: `${account}:${await sha256Hex(`client|${client}`)}` };
}

/** The delay every attempt on an account waits once it has `failures` recent failures. */
export function accountDelayMs(failures: number): number {
  if (failures < SLOWDOWN_AFTER) return 0;
  return Math.min(SLOWDOWN_MAX_MS, SLOWDOWN_BASE_MS * 2 ** (failures - SLOWDOWN_AFTER));
}

/**
 * Counts one failure in one statement (an upsert that increments), so concurrent guesses each
 * count: Postgres serialises the conflicting updates on the row. A stale window starts over.
 */
async function countFailure(prisma: PrismaClient, key: string, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - WINDOW_MINUTES * 60_000);
  const rows = await prisma.$queryRaw<{ failures: number }[]>`
    INSERT INTO "LoginThrottle" ("key", "failures", "windowStart")
    VALUES (${key}, 1, ${now})
    ON CONFLICT ("key") DO UPDATE SET
      "failures" = CASE WHEN "LoginThrottle"."windowStart" < ${cutoff} THEN 1
                        ELSE "LoginThrottle"."failures" + 1 END,
      "windowStart" = CASE WHEN "LoginThrottle"."windowStart" < ${cutoff} THEN ${now}
                           ELSE "LoginThrottle"."windowStart" END
    RETURNING "failures"`;
  return rows[0]!.failures;
}

/** Locks a (account, client) pair once it reached the limit; the count starts over. */
async function lockPair(prisma: PrismaClient, key: string, now: Date): Promise<void> {
  const until = new Date(now.getTime() + LOCKOUT_MINUTES * 60_000);
  await prisma.$executeRaw`
    UPDATE "LoginThrottle" SET "failures" = 0, "windowStart" = ${now}, "lockedUntil" = ${until}
    WHERE "key" = ${key} AND "failures" >= ${MAX_FAILED_LOGINS}`;
}

function recentFailures(row: { failures: number; windowStart: Date } | null, now: Date): number {
  if (!row || now.getTime() - row.windowStart.getTime() > WINDOW_MINUTES * 60_000) return 0;
  return row.failures;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Checks an email and password, throttled in the database so it holds across app instances.
 * - Per (account, client): MAX_FAILED_LOGINS failures lock that client out of that account for
 *   LOCKOUT_MINUTES, even with the right password. Other clients are unaffected, so a stranger
 *   cannot lock a person out.
 * - Per account: no lock, only an exponential delay (from SLOWDOWN_AFTER failures, capped at
 *   SLOWDOWN_MAX_MS) before the password is checked. The right password from a clean client
 *   always gets through, only later.
 */
export async function authenticate(
  prisma: PrismaClient,
  emailInput: string,
  password: string,
  now = new Date(),
  opts: AuthOptions = {},
): Promise<AuthResult> {
  const email = emailInput.trim().toLowerCase();
  const keys = await throttleKeys(email, opts.client ?? 'unknown');
  const [perClient, perAccount] = await Promise.all([
    prisma.loginThrottle.findUnique({ where: { key: keys.perClient } }),
    prisma.loginThrottle.findUnique({ where: { key: keys.account } }),
  ]);
  if (perClient?.lockedUntil && perClient.lockedUntil > now) return { ok: false, reason: 'locked' };
  const delay = accountDelayMs(recentFailures(perAccount, now));
  if (delay > 0) await (opts.sleep ?? realSleep)(delay);

  const user = await prisma.user.findUnique({ where: { email } });
  const valid = user && !user.disabled ? await verifyPassword(user.passwordHash, password) : false;
  if (!user || user.disabled) await verifyPassword(await dummy(), password); // same cost either way
  if (!valid || !user) {
    const [clientFailures] = await Promise.all([
      countFailure(prisma, keys.perClient, now),
      countFailure(prisma, keys.account, now),
    ]);
    if (clientFailures >= MAX_FAILED_LOGINS) {
      await lockPair(prisma, keys.perClient, now);
      return { ok: false, reason: 'locked' };
    }
    return { ok: false, reason: 'invalid' };
  }
  await prisma.$transaction([
    prisma.loginThrottle.deleteMany({ where: { key: keys.perClient } }),
    prisma.user.update({ where: { id: user.id }, data: { lastLoginAt: now } }),
  ]);
  return {
    ok: true,
    user: { id: user.id, email: user.email, name: user.name, sessionVersion: user.sessionVersion },
  };
}

/** Clears every throttle of an email, from all clients (a password reset proved the owner). */
export async function clearLoginThrottle(
  prisma: Pick<PrismaClient, 'loginThrottle'>,
  email: string,
): Promise<void> {
  const { account } = await throttleKeys(email.trim().toLowerCase(), 'unknown');
  await prisma.loginThrottle.deleteMany({ where: { key: { startsWith: account } } });
}
