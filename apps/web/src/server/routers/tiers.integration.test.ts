import { hashPassword } from '@aw/core/password';
import { createPrismaClient, type PrismaClient } from '@aw/db';
import { createTestDatabase } from '@aw/db/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createCaller } from '../root';
import { createContext } from '../trpc';
import { testRoot } from '../../testing/services';
import type { Root } from '../../server/composition';

const [target] = inject('pgTargets');

describe('procedure tiers and tenancy', () => {
  let db: { url: string; drop(): Promise<void> };
  let prisma: PrismaClient;
  let root: Root;
  const ids: Record<string, string> = {};
  const as = async (userId: string | null) => createCaller(await createContext({ userId, services: root }));

  beforeAll(async () => {
    db = await createTestDatabase(target!);
    prisma = createPrismaClient(db.url, { max: 4 });
    root = testRoot(db.url, { prisma });
    const passwordHash = await hashPassword('irrelevant password');
    for (const m of ['a', 'b']) {
      const msp = await prisma.msp.create({ data: { name: `MSP ${m}`, slug: m } });
      ids[`msp${m}`] = msp.id;
      for (const c of ['1', '2']) {
        const company = await prisma.company.create({
          data: { mspId: msp.id, name: `${m}${c}`, slug: `${m}${c}`, awsExternalId: `x${m}${c}` },
        });
        ids[`${m}${c}`] = company.id;
      }
      const tech = await prisma.user.create({ data: { email: `tech@${m}.test`, name: 't', passwordHash } });
      await prisma.membership.create({ data: { userId: tech.id, mspId: msp.id, role: 'TECHNICIAN' } });
      ids[`tech${m}`] = tech.id;
    }
    const client = await prisma.user.create({ data: { email: 'c@a1.test', name: 'c', passwordHash } });
    await prisma.membership.create({
      data: { userId: client.id, mspId: ids.mspa!, companyId: ids.a1!, role: 'CLIENT_VIEWER' },
    });
    ids.client = client.id;
  });
  afterAll(async () => {
    await root?.stop();
    await prisma.$disconnect();
    await db.drop();
  });

  it('refuses anonymous callers', async () => {
    await expect((await as(null)).company.list()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('shows MSP staff only their own MSP companies', async () => {
    const names = (await (await as(ids.techa!)).company.list()).map((c) => c.name);
    expect(names).toEqual(['a1', 'a2']);
    const other = (await (await as(ids.techb!)).company.list()).map((c) => c.name);
    expect(other).toEqual(['b1', 'b2']);
  });

  it('shows a client user only their company', async () => {
    const list = await (await as(ids.client!)).company.list();
    expect(list.map((c) => c.name)).toEqual(['a1']);
  });

  it('cuts a removed member off on the next call', async () => {
    const caller = await as(ids.techb!);
    await prisma.membership.deleteMany({ where: { userId: ids.techb } });
    await expect(caller.viewer.me()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});
