import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestbed, type Testbed } from '../../testing/testbed';

const [target] = inject('pgTargets');

// Input validation and role checks of the company, members and audit routers.
describe('company, members and audit procedures', () => {
  let t: Testbed;
  let prisma: Testbed['prisma'];
  const ids: Record<string, string> = {};
  const as = (userId: string) => t.as(userId);

  beforeAll(async () => {
    t = await createTestbed(target!);
    prisma = t.prisma;
    const msp = await prisma.msp.create({ data: { name: 'M', slug: 'm' } });
    const other = await prisma.msp.create({ data: { name: 'O', slug: 'o' } });
    const company = await prisma.company.create({
      data: { mspId: msp.id, name: 'C', slug: 'c', awsExternalId: 'x1' },
    });
    const foreign = await prisma.company.create({
      data: { mspId: other.id, name: 'F', slug: 'f', awsExternalId: 'x2' },
    });
    const mk = async (
      email: string,
      role: 'OWNER' | 'TECHNICIAN' | 'CLIENT_ADMIN' | 'CLIENT_VIEWER',
      m = msp.id,
    ) => {
      return t.member(email, m, role, role.startsWith('CLIENT') ? company.id : null);
    };
    Object.assign(ids, {
      owner: await mk('owner@m.test', 'OWNER'),
      tech: await mk('tech@m.test', 'TECHNICIAN'),
      clientAdmin: await mk('ca@c.test', 'CLIENT_ADMIN'),
      viewer: await mk('v@c.test', 'CLIENT_VIEWER'),
      company: company.id,
      foreign: foreign.id,
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('validates input before any service runs', async () => {
    const owner = await as(ids.owner!);
    await expect(owner.company.get({ companyId: 'not-a-uuid' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(owner.company.create({ name: 'x' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(
      owner.members.invite({ email: 'nope', role: 'TECHNICIAN', companyId: null }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(
      // @ts-expect-error an unknown role never reaches the service
      owner.members.invite({ email: 'a@b.test', role: 'ROOT', companyId: null }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(await prisma.company.count()).toBe(2);
  });

  it('lets owners create companies, not technicians or client people', async () => {
    await expect((await as(ids.owner!)).company.create({ name: 'New Co' })).resolves.toMatchObject({
      name: 'New Co',
    });
    for (const who of ['tech', 'clientAdmin', 'viewer']) {
      await expect((await as(ids[who]!)).company.create({ name: 'Sneaky' })).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
    }
  });

  it('answers NOT_FOUND for another MSP company, and FORBIDDEN for a viewer changing their own', async () => {
    await expect((await as(ids.owner!)).company.get({ companyId: ids.foreign! })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(
      (await as(ids.clientAdmin!)).company.setOnboardingStep({ companyId: ids.foreign!, step: 'done' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      (await as(ids.viewer!)).company.setOnboardingStep({ companyId: ids.company!, step: 'done' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      (await as(ids.clientAdmin!)).company.updateProfile({
        companyId: ids.company!,
        name: 'C2',
        timezone: 'UTC',
      }),
    ).resolves.toMatchObject({ name: 'C2' });
  });

  it('lets a technician neither rename a company nor toggle webhook-only mode (owners and admins do)', async () => {
    const tech = await as(ids.tech!);
    const before = await prisma.company.findUniqueOrThrow({ where: { id: ids.company! } });
    await expect(
      tech.company.updateProfile({ companyId: ids.company!, name: 'Renamed by tech', timezone: 'UTC' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      tech.company.setOnboardingStep({
        companyId: ids.company!,
        step: 'done',
        webhookOnly: !before.webhookOnly,
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const after = await prisma.company.findUniqueOrThrow({ where: { id: ids.company! } });
    expect({ name: after.name, webhookOnly: after.webhookOnly, step: after.onboardingStep }).toEqual({
      name: before.name,
      webhookOnly: before.webhookOnly,
      step: before.onboardingStep,
    });
    const owner = await as(ids.owner!);
    await expect(
      owner.company.setOnboardingStep({
        companyId: ids.company!,
        step: 'aws',
        webhookOnly: !before.webhookOnly,
      }),
    ).resolves.toMatchObject({ webhookOnly: !before.webhookOnly });
    await owner.company.setOnboardingStep({
      companyId: ids.company!,
      step: before.onboardingStep as 'profile',
      webhookOnly: before.webhookOnly,
    });
  });

  it('lets technicians and client people neither invite staff nor remove members of other companies', async () => {
    await expect(
      (await as(ids.tech!)).members.invite({ email: 't2@m.test', role: 'TECHNICIAN', companyId: null }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      (await as(ids.clientAdmin!)).members.invite({ email: 'x@m.test', role: 'ADMIN', companyId: null }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const techMembership = await prisma.membership.findFirstOrThrow({ where: { userId: ids.tech } });
    await expect(
      (await as(ids.clientAdmin!)).members.remove({ membershipId: techMembership.id }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' }); // outside their view: the same answer as a missing id
    const seen = await (await as(ids.viewer!)).members.list();
    expect(seen.members.map((m) => m.email).sort()).toEqual(['ca@c.test', 'v@c.test']);
  });

  it('shows client people only their company audit entries', async () => {
    const mine = await (await as(ids.viewer!)).audit.list({ limit: 50 });
    expect(mine.items.every((i) => i.companyId === ids.company)).toBe(true);
    const all = await (await as(ids.owner!)).audit.list({ limit: 50 });
    expect(all.items.some((i) => i.action === 'company.created')).toBe(true);
  });
});
