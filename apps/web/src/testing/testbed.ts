// Router tests' common ground: their own database, Prisma client and composition root, callers as
// any user (or signed out), and users with one membership. Each test adds the tenants it needs.
import { hashPassword } from '@aw/core/password';
import { createPrismaClient, type PrismaClient, type Role } from '@aw/db';
import { createTestDatabase, type PgTarget } from '@aw/db/testing';
import type { Root } from '../server/composition';
import { createCaller } from '../server/root';
import { createContext } from '../server/trpc';
import { testRoot } from './services';

export interface Testbed {
  prisma: PrismaClient;
  root: Root;
  /** The tRPC caller of `userId`'s session (null: signed out). */
  as(userId: string | null): Promise<ReturnType<typeof createCaller>>;
  /** A user (`email`) with one membership; client roles name their company. Returns the user id. */
  member(email: string, mspId: string, role: Role, companyId?: string | null): Promise<string>;
  close(): Promise<void>;
}

export async function createTestbed(
  target: PgTarget,
  opts: Omit<Parameters<typeof testRoot>[1], 'prisma'> = {},
): Promise<Testbed> {
  const db = await createTestDatabase(target);
  const prisma = createPrismaClient(db.url, { max: 4 });
  const root = testRoot(db.url, { ...opts, prisma });
  const passwordHash = await hashPassword('irrelevant password');
  return {
    prisma,
    root,
    as: async (userId) => createCaller(await createContext({ userId, services: root })),
    async member(email, mspId, role, companyId = null) {
      const u = await prisma.user.create({ data: { email, name: email.split('@')[0]!, passwordHash } });
      await prisma.membership.create({ data: { userId: u.id, mspId, role, companyId } });
      return u.id;
    },
    async close() {
      await root.stop();
      await prisma.$disconnect();
      await db.drop();
    },
  };
}
