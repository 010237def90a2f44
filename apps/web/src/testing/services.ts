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
