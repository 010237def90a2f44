// Tests build their own composition root on their own database: no process globals.
import type { AwsRuntime } from '@aw/aws';
import type { TProcessRole } from '@aw/config';
import type { PrismaClient } from '@aw/db';
import { createRoot, type Root, type RootOptions } from '../server/composition';

/** A root on `url` (the test database), reading nothing else from process.env. */
export function testRoot(
  url: string,
  o: { prisma?: PrismaClient; aws?: AwsRuntime; role?: TProcessRole; env?: Record<string, string> } & Pick<
    RootOptions,
    'correlation' | 'queue'
  > = {},
): Root {
  return createRoot({
    role: o.role ?? 'web',
    source: { DATABASE_URL: url, ...o.env },
    prisma: o.prisma,
    aws: o.aws,
    correlation: o.correlation,
    queue: o.queue,
    logger: { error: () => undefined, warn: () => undefined },
  });
}

/** Polls `check` every 50 ms until it holds; throws after `ms`. */
export async function until(check: () => Promise<boolean> | boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Sessions on this test database whose `application_name` is `name`. */
export async function sessionsNamed(prisma: PrismaClient, name: string): Promise<number> {
  const rows = await prisma.$queryRawUnsafe<{ n: bigint }[]>(
    `SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`,
    name,
  );
  return Number(rows[0]!.n);
}
