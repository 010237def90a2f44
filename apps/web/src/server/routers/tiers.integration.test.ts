import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestbed, type Testbed } from '../../testing/testbed';

const [target] = inject('pgTargets');

describe('procedure tiers and tenancy', () => {
  let t: Testbed;
  let prisma: Testbed['prisma'];
  const ids: Record<string, string> = {};
  const as = (userId: string | null) => t.as(userId);

  beforeAll(async () => {
    t = await createTestbed(target!);
    prisma = t.prisma;
    for (const m of ['a', 'b']) {
      const msp = await prisma.msp.create({ data: { name: `MSP ${m}`, slug: m } });
      ids[`msp${m}`] = msp.id;
      for (const c of ['1', '2']) {
        const company = await prisma.company.create({
          data: { mspId: msp.id, name: `${m}${c}`, slug: `${m}${c}`, awsExternalId: `x${m}${c}` },
        });
        ids[`${m}${c}`] = company.id;
      }
      ids[`tech${m}`] = await t.member(`tech@${m}.test`, msp.id, 'TECHNICIAN');
    }
    ids.client = await t.member('c@a1.test', ids.mspa!, 'CLIENT_VIEWER', ids.a1);
  });
  afterAll(async () => {
    await t?.close();
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
