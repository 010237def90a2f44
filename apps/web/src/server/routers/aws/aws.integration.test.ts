// The AWS procedures enforce tenancy before any AWS call: other MSPs and other companies get
// NOT_FOUND, client viewers only read, client admins and MSP staff manage.
import { FakeAws, type CfnTemplate } from '@aw/aws-fake';
import { cloudFormationTemplate } from '@aw/aws';
import { hashPassword } from '@aw/core/password';
import { createPrismaClient, type PrismaClient, type Role } from '@aw/db';
import { createTestDatabase } from '@aw/db/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createCaller } from '../../root';
import { createContext } from '../../trpc';
import { testRoot } from '../../../testing/services';
import type { Root } from '../../../server/composition';

const [target] = inject('pgTargets');
const MSP_ACCOUNT = '111122223333';

describe('aws procedures across tenants', () => {
  let db: { url: string; drop(): Promise<void> };
  let prisma: PrismaClient;
  let root: Root;
  const fake = new FakeAws({ stepMs: 50 });
  const ids: Record<string, string> = {};
  const as = async (userId: string) => createCaller(await createContext({ userId, services: root }));

  beforeAll(async () => {
    db = await createTestDatabase(target!);
    prisma = createPrismaClient(db.url, { max: 4 });
    await fake.start();
    fake.createAccount(MSP_ACCOUNT);
    const keys = fake.createUser(MSP_ACCOUNT, 'platform');
    // What the launcher passes to the web process in the demo, read by the composition root.
    root = testRoot(db.url, {
      prisma,
      env: {
        FAKE_AWS_ENDPOINT: fake.endpoint,
        FAKE_AWS_ACCESS_KEY_ID: keys.accessKeyId,
        FAKE_AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
      },
    });
    const passwordHash = await hashPassword('irrelevant password');
    const user = async (name: string, mspId: string, role: Role, companyId?: string) => {
      const u = await prisma.user.create({ data: { email: `${name}@x.test`, name, passwordHash } });
      await prisma.membership.create({ data: { userId: u.id, mspId, role, companyId: companyId ?? null } });
      ids[name] = u.id;
    };
    for (const m of ['a', 'b']) {
      const msp = await prisma.msp.create({ data: { name: m, slug: m, awsAccountId: MSP_ACCOUNT } });
      ids[`msp${m}`] = msp.id;
      for (const n of ['1', '2']) {
        const c = await prisma.company.create({
          data: {
            mspId: msp.id,
            name: `${m}${n}`,
            slug: `${m}${n}`,
            awsExternalId: `aw-ext-${m}${n}`,
            simulated: true,
          },
        });
        ids[`${m}${n}`] = c.id;
      }
      await user(`tech${m}`, msp.id, 'TECHNICIAN');
      await user(`staffadmin${m}`, msp.id, 'ADMIN');
    }
    await user('admina1', ids.mspa!, 'CLIENT_ADMIN', ids.a1);
    await user('viewera1', ids.mspa!, 'CLIENT_VIEWER', ids.a1);
    fake.createAccount('444455556666');
    fake.createStack('444455556666', cloudFormationTemplate() as unknown as CfnTemplate, {
      parameters: { ExternalId: 'aw-ext-a1', TrustedAccountId: MSP_ACCOUNT },
    });
  });
  afterAll(async () => {
    await fake.stop();
    await root?.stop();
    await prisma.$disconnect();
    await db.drop();
  });

  const roleArn = 'arn:aws:iam::444455556666:role/AlertWhisperer-Access';

  it('lets the client admin connect their company and use activations and nodes', async () => {
    const admin = await as(ids.admina1!);
    const art = await admin.aws.onboarding({ companyId: ids.a1! });
    expect(art).toMatchObject({ externalId: 'aw-ext-a1', mspAccountId: MSP_ACCOUNT, simulated: true });
    await admin.aws.setRoleArn({ companyId: ids.a1!, roleArn });
    await expect(admin.aws.testConnection({ companyId: ids.a1! })).resolves.toMatchObject({
      ok: true,
      status: 'CONNECTED',
    });
    const created = await admin.aws.activations.create({
      companyId: ids.a1!,
      registrationLimit: 2,
      expiresInDays: 30,
    });
    expect(created.commands.linux).toContain('amazon-ssm-agent -register');
    fake.registerManagedInstance({ ...created, region: created.region, name: 'plant-scada-01' });
    const list = await admin.aws.activations.list({ companyId: ids.a1! });
    expect(list[0]).toMatchObject({ registrationsCount: 1, registrationsLeft: 1 });
    expect(JSON.stringify(list)).not.toContain(created.activationCode);
    await admin.aws.nodes.sync({ companyId: ids.a1! });
    expect((await admin.aws.nodes.list({ companyId: ids.a1! })).map((n) => n.name)).toEqual([
      'plant-scada-01',
    ]);
    await admin.aws.activations.delete({ companyId: ids.a1!, activationId: created.activationId });
  });

  it('lets a client viewer read but not change anything', async () => {
    const viewer = await as(ids.viewera1!);
    await expect(viewer.aws.onboarding({ companyId: ids.a1! })).resolves.toMatchObject({
      externalId: 'aw-ext-a1',
    });
    await expect(viewer.aws.nodes.list({ companyId: ids.a1! })).resolves.toHaveLength(1);
    for (const call of [
      () => viewer.aws.testConnection({ companyId: ids.a1! }),
      () => viewer.aws.setRoleArn({ companyId: ids.a1!, roleArn }),
      () => viewer.aws.activations.create({ companyId: ids.a1!, registrationLimit: 1 }),
      () => viewer.aws.nodes.sync({ companyId: ids.a1! }),
    ])
      await expect(call()).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('hides other companies and other MSPs (NOT_FOUND, no AWS call)', async () => {
    const before = fake.requests.length;
    const admin = await as(ids.admina1!);
    await expect(admin.aws.onboarding({ companyId: ids.a2! })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(admin.aws.testConnection({ companyId: ids.b1! })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const techB = await as(ids.techb!);
    await expect(techB.aws.onboarding({ companyId: ids.a1! })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(techB.aws.setRoleArn({ companyId: ids.a1!, roleArn })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(techB.aws.activations.list({ companyId: ids.a1! })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(techB.aws.nodes.list({ companyId: ids.a1! })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(fake.requests.length).toBe(before);
    const stored = await prisma.company.findUniqueOrThrow({ where: { id: ids.a1! } });
    expect(stored.awsRoleArn).toBe(roleArn);
  });

  it('lets MSP admins manage their own MSP companies', async () => {
    const adminA = await as(ids.staffadmina!);
    await expect(adminA.aws.testConnection({ companyId: ids.a1! })).resolves.toMatchObject({ ok: true });
    await expect(
      adminA.aws.setRoleArn({ companyId: ids.a2!, roleArn: 'not-an-arn-at-all-really' }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });

  it('lets a technician test the connection and sync nodes, but not set the role ARN or mint or delete activations', async () => {
    const techA = await as(ids.techa!);
    await expect(techA.aws.testConnection({ companyId: ids.a1! })).resolves.toMatchObject({ ok: true });
    await expect(techA.aws.nodes.sync({ companyId: ids.a1! })).resolves.toBeDefined();
    const admin = await as(ids.admina1!);
    const existing = await admin.aws.activations.create({ companyId: ids.a1!, registrationLimit: 1 });
    const before = fake.requests.length;
    const otherArn = 'arn:aws:iam::444455556666:role/Technician-Choice';
    for (const call of [
      () => techA.aws.setRoleArn({ companyId: ids.a1!, roleArn: otherArn }),
      () => techA.aws.activations.create({ companyId: ids.a1!, registrationLimit: 1 }),
      () => techA.aws.activations.delete({ companyId: ids.a1!, activationId: existing.activationId }),
    ])
      await expect(call()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(fake.requests.length).toBe(before);
    const stored = await prisma.company.findUniqueOrThrow({ where: { id: ids.a1! } });
    expect(stored.awsRoleArn).toBe(roleArn);
    const left = await admin.aws.activations.list({ companyId: ids.a1! });
    expect(left.map((a) => a.activationId)).toContain(existing.activationId);
  });
});
