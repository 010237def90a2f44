// The onboarding flow against the fake AWS with the real SDK: the company's own template creates the
// role, test connection stores its outcome, activations and nodes round-trip through SSM.
import { FakeAws, type CfnTemplate } from '@aw/aws-fake';
import { AppError } from '@aw/core/errors';
import { createPrismaClient, type PrismaClient } from '@aw/db';
import { createTestDatabase } from '@aw/db/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AwsRuntime } from './runtime.ts';
import {
  createActivation,
  deleteActivation,
  getOnboarding,
  listActivations,
  listNodes,
  setRoleArn,
  syncNodes,
  testConnection,
} from './service.ts';
import { createSiteActivationHandler } from './site-activation.ts';

const MSP_ACCOUNT = '111122223333';
const KEY = Buffer.alloc(32, 9).toString('base64');

describe.each(inject('pgTargets'))('AWS connection on $name', (target) => {
  let db: { url: string; drop(): Promise<void> };
  let prisma: PrismaClient;
  const fake = new FakeAws({ stepMs: 50 });
  let runtime: AwsRuntime;
  let mspId = '';
  let account = 700000000000;

  async function company(slug: string, opts: { region?: string; simulated?: boolean } = {}) {
    const c = await prisma.company.create({
      data: {
        mspId,
        name: slug,
        slug,
        awsExternalId: `aw-${slug}-${Math.random().toString(16).slice(2)}`,
        simulated: opts.simulated ?? true,
        awsRegion: opts.region ?? 'us-east-1',
      },
    });
    return c;
  }

  /** What the client does: deploy the downloaded template into their account (parameters overridable). */
  async function deploy(
    companyId: string,
    overrides: Record<string, string> = {},
    opts: { disabledRegions?: string[]; mutate?: (t: CfnTemplate) => void } = {},
  ) {
    const art = await getOnboarding({ prisma, runtime, companyId });
    const tpl = JSON.parse(art.cloudFormation.body) as CfnTemplate;
    opts.mutate?.(tpl);
    const accountId = String(account++);
    fake.createAccount(accountId, { disabledRegions: opts.disabledRegions });
    const outputs = fake.createStack(accountId, tpl, { parameters: overrides, region: art.region });
    await setRoleArn({ prisma, runtime, companyId, actorId: null, input: { roleArn: outputs.RoleArn! } });
    return { accountId, roleArn: outputs.RoleArn!, art };
  }

  beforeAll(async () => {
    db = await createTestDatabase(target);
    prisma = createPrismaClient(db.url, { max: 4 });
    await fake.start();
    fake.createAccount(MSP_ACCOUNT);
    const keys = fake.createUser(MSP_ACCOUNT, 'alert-whisperer-platform');
    runtime = new AwsRuntime({
      fake: { endpoint: fake.endpoint, ...keys },
      templateUrl: 'https://aw-public.s3.amazonaws.com/role.json',
    });
    mspId = (await prisma.msp.create({ data: { name: 'MSP', slug: 'msp', awsAccountId: MSP_ACCOUNT } })).id;
  });
  afterAll(async () => {
    runtime.destroy();
    await fake.stop();
    await prisma.$disconnect();
    await db.drop();
  });

  it('connects with the correct External ID and stores the result', async () => {
    const c = await company('acme');
    const { art, roleArn } = await deploy(c.id);
    expect(art.externalId).toBe(c.awsExternalId);
    expect(art.cloudFormation.quickCreateUrl).toContain(`param_ExternalId=${c.awsExternalId}`);
    expect((await prisma.company.findUniqueOrThrow({ where: { id: c.id } })).awsStatus).toBe('PENDING');
    const before = fake.requests.length;
    const r = await testConnection({ prisma, runtime, companyId: c.id, actorId: null });
    expect(r).toMatchObject({ ok: true, status: 'CONNECTED', error: null, nodesVisible: 0 });
    expect(r.sessionExpiresAt!.getTime() - Date.now()).toBeGreaterThan(880_000);
    expect(r.sessionExpiresAt!.getTime() - Date.now()).toBeLessThanOrEqual(900_000);
    expect(fake.requests.slice(before).map((x) => `${x.operation}:${x.status}`)).toEqual([
      'AssumeRole:200',
      'DescribeInstanceInformation:200',
    ]);
    const stored = await prisma.company.findUniqueOrThrow({ where: { id: c.id } });
    expect(stored).toMatchObject({ awsStatus: 'CONNECTED', awsLastError: null, awsRoleArn: roleArn });
    expect(stored.awsLastTestedAt).toBeInstanceOf(Date);
  });

  it('fails with the mapped message for a wrong External ID', async () => {
    const c = await company('wrong-ext');
    await deploy(c.id, { ExternalId: 'aw-somebody-else' });
    const r = await testConnection({ prisma, runtime, companyId: c.id, actorId: null });
    expect(r).toMatchObject({ ok: false, status: 'FAILED', stage: 'assume-role' });
    expect(r.error).toContain(`sts:ExternalId "${c.awsExternalId}"`);
    expect(r.error).toContain('External ID does not match');
    const stored = await prisma.company.findUniqueOrThrow({ where: { id: c.id } });
    expect(stored).toMatchObject({ awsStatus: 'FAILED', awsLastError: r.error });
  });

  it('fails with the mapped message when the role trusts another account', async () => {
    const c = await company('untrusted');
    await deploy(c.id, { TrustedAccountId: '999988887777' });
    const r = await testConnection({ prisma, runtime, companyId: c.id, actorId: null });
    expect(r.ok).toBe(false);
    expect(r.error).toContain(`does not trust the MSP's AWS account ${MSP_ACCOUNT}`);
  });

  it('fails with the mapped message for a too-short session duration', async () => {
    const c = await company('short');
    await deploy(c.id);
    const shortRuntime = new AwsRuntime({ ...runtime.options, durationSeconds: 600 });
    const r = await testConnection({ prisma, runtime: shortRuntime, companyId: c.id, actorId: null });
    shortRuntime.destroy();
    expect(r.ok).toBe(false);
    expect(r.error).toContain('role sessions must last 900 to 43200 seconds');
  });

  it('names a disabled region and a missing permission', async () => {
    const c = await company('optin', { region: 'ap-east-1' });
    await deploy(c.id, {}, { disabledRegions: ['ap-east-1'] });
    const r = await testConnection({ prisma, runtime, companyId: c.id, actorId: null });
    expect(r.error).toContain('Region ap-east-1 is not enabled');

    const d = await company('noread');
    await deploy(
      d.id,
      {},
      {
        mutate: (t) => {
          const role = t.Resources.PlatformRole!.Properties as {
            Policies: { PolicyDocument: { Statement: { Action: string[] }[] } }[];
          };
          const read = role.Policies[0]!.PolicyDocument.Statement[0]!;
          read.Action = read.Action.filter((a) => a !== 'ssm:DescribeInstanceInformation');
        },
      },
    );
    const r2 = await testConnection({ prisma, runtime, companyId: d.id, actorId: null });
    expect(r2).toMatchObject({ ok: false, stage: 'read' });
    expect(r2.error).toContain('missing the permission ssm:DescribeInstanceInformation');
  });

  it('keeps one 15-minute session per company across calls', async () => {
    const c = await company('cached');
    await deploy(c.id);
    const before = fake.requests.length;
    await syncNodes({ prisma, runtime, companyId: c.id, actorId: null });
    await listActivations({ prisma, runtime, companyId: c.id });
    await syncNodes({ prisma, runtime, companyId: c.id, actorId: null });
    const ops = fake.requests.slice(before).map((x) => x.operation);
    expect(ops.filter((o) => o === 'AssumeRole')).toHaveLength(1);
    const session = fake.requests.slice(before).find((x) => x.operation === 'DescribeActivations')!;
    expect(session.accessKeyId).toMatch(/^ASIA/);
    const name = Object.values(fake.state.keys).find(
      (k) => k.accessKeyId === session.accessKeyId,
    )!.principalArn;
    expect(name).toMatch(/assumed-role\/AlertWhisperer-Access\/AlertWhisperer-cached$/);
  });

  it('creates, lists and deletes hybrid activations within the limits, absorbing throttling', async () => {
    const c = await company('hybrid');
    const { accountId } = await deploy(c.id);
    const svc = { prisma, runtime, companyId: c.id, actorId: null };
    await expect(createActivation({ ...svc, input: { registrationLimit: 0 } })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(createActivation({ ...svc, input: { registrationLimit: 1001 } })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(
      createActivation({
        ...svc,
        input: { registrationLimit: 5, expiresAt: new Date(Date.now() + 31 * 86_400_000) },
      }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('30 days') });

    const created = await createActivation({
      ...svc,
      input: {
        registrationLimit: 3,
        defaultInstanceName: 'hybrid-branch-office',
        expiresAt: new Date(Date.now() + 30 * 86_400_000 - 1000),
      },
    });
    expect(created.activationCode.length).toBeGreaterThan(10);
    expect(created.iamRole).toBe('AlertWhisperer-SSMHybrid');
    expect(created.commands.linux).toContain(`-code "$CODE" -id "$ID" -region "$REGION"`);
    expect(created.commands.linux).toContain(created.activationCode);
    expect(created.commands.windows).toContain(created.activationId);
    const row = await prisma.hybridActivation.findFirstOrThrow({
      where: { activationId: created.activationId },
    });
    expect(row).toMatchObject({
      codeCiphertext: null,
      registrationLimit: 3,
      companyId: c.id,
      iamRole: 'AlertWhisperer-SSMHybrid',
    });
    const remote = fake.region(accountId, 'us-east-1').activations[created.activationId]!;
    expect(remote.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'alert-whisperer:company-id', Value: c.id },
        { Key: 'alert-whisperer:company', Value: 'hybrid' },
      ]),
    );

    fake.registerManagedInstance({ ...created, region: 'us-east-1', name: 'branch-fs-01' });
    fake.registerManagedInstance({ ...created, region: 'us-east-1', platformType: 'Windows' });
    fake.throttle(2, { service: 'ssm', operation: 'DescribeActivations' });
    const list = await listActivations(svc);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      activationId: created.activationId,
      registrationLimit: 3,
      registrationsCount: 2,
      registrationsLeft: 1,
      expired: false,
      tracked: true,
      defaultInstanceName: 'hybrid-branch-office',
    });
    expect(
      (await prisma.hybridActivation.findUniqueOrThrow({ where: { id: row.id } })).registrationsCount,
    ).toBe(2);

    await deleteActivation({ ...svc, input: { activationId: created.activationId } });
    expect(await listActivations(svc)).toEqual([]);
    expect(
      (await prisma.hybridActivation.findUniqueOrThrow({ where: { id: row.id } })).deletedAt,
    ).toBeInstanceOf(Date);
    await expect(
      deleteActivation({ ...svc, input: { activationId: '00000000-0000-4000-8000-000000000000' } }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('syncs managed nodes across pages of DescribeInstanceInformation', async () => {
    const c = await company('nodes');
    const { accountId } = await deploy(c.id);
    const act = fake.seedActivation(accountId, 'us-east-1', {
      iamRole: 'AlertWhisperer-SSMHybrid',
      limit: 2,
    });
    const mi = fake.registerManagedInstance({
      ...act,
      region: 'us-east-1',
      name: 'dc-01',
      platformType: 'Windows',
    });
    fake.setPingStatus(accountId, 'us-east-1', mi, 'ConnectionLost');
    for (let i = 0; i < 59; i++)
      fake.addEc2Instance(accountId, 'us-east-1', { name: `web-${String(i).padStart(2, '0')}` });
    fake.throttle(1, { service: 'ssm', operation: 'DescribeInstanceInformation' });
    const before = fake.requests.length;
    const r = await syncNodes({ prisma, runtime, companyId: c.id, actorId: null });
    expect(r.count).toBe(60);
    expect(
      fake.requests
        .slice(before)
        .filter((x) => x.operation === 'DescribeInstanceInformation' && x.status === 200),
    ).toHaveLength(2);
    const nodes = await listNodes({ prisma, companyId: c.id });
    expect(nodes).toHaveLength(60);
    expect(nodes.find((n) => n.instanceId === mi)).toMatchObject({
      name: 'dc-01',
      isHybrid: true,
      pingStatus: 'ConnectionLost',
      platformType: 'Windows',
      activationId: act.activationId,
    });
    expect(
      nodes
        .filter((n) => n.instanceId.startsWith('i-'))
        .every((n) => !n.isHybrid && n.pingStatus === 'Online'),
    ).toBe(true);
    // A node deregistered in AWS disappears on the next sync.
    delete fake.region(accountId, 'us-east-1').instances[mi];
    await syncNodes({ prisma, runtime, companyId: c.id, actorId: null });
    expect(await listNodes({ prisma, companyId: c.id })).toHaveLength(59);
  });

  it('never sends a real company to the fake, nor a simulated one to AWS', async () => {
    const real = await company('real', { simulated: false });
    const sim = await company('sim');
    const arn = 'arn:aws:iam::123456789012:role/AlertWhisperer-Access';
    const realAws = runtime.forCompany({ ...real, awsRoleArn: arn });
    expect(realAws.ssm.config.isCustomEndpoint).toBe(false);
    const simAws = runtime.forCompany({ ...sim, awsRoleArn: arn });
    expect(simAws.ssm.config.isCustomEndpoint).toBe(true);
    const noFake = new AwsRuntime();
    expect(() => noFake.forCompany({ ...sim, awsRoleArn: arn })).toThrow(/simulated/);
  });

  it('serves the operator: an authenticated cluster gets an activation for its site, every disclosure audited', async () => {
    const c = await company('k8s');
    await deploy(c.id);
    const key = await prisma.apiKey.create({
      data: {
        mspId,
        companyId: c.id,
        name: 'operator',
        prefix: 'aaaabbbbccccdddd',
        hash: 'x',
        scopes: ['site'],
      },
    });
    // The route passes the ingest package's site authenticator; here any failure is its AppError.
    const handler = createSiteActivationHandler({
      prisma,
      runtime,
      encryptionKey: KEY,
      authenticate: async (req) => {
        if (req.headers.get('authorization') !== 'Bearer awk_good')
          throw new AppError('UNAUTHORIZED', 'a valid API key with the "site" scope is required');
        return {
          caller: { companyId: c.id, mspId, apiKeyId: key.id },
          raw: new Uint8Array(await req.arrayBuffer()),
        };
      },
    });
    const post = (body: unknown, auth = 'Bearer awk_good') =>
      handler(
        new Request('http://aw.test/api/v1/sites/activation', {
          method: 'POST',
          headers: { authorization: auth, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
      );
    expect((await post({ siteName: 'prod-eu' }, 'Bearer nope')).status).toBe(401);
    const bad = await post({ siteName: 'Not A Name', registrationLimit: 5000 });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { problems: unknown[] } }).error.problems).toHaveLength(2);
    const first = await post({ siteName: 'prod-eu', clusterUid: 'uid-1', registrationLimit: 20 });
    expect(first.status).toBe(201);
    const a = (await first.json()) as {
      activationId: string;
      activationCode: string;
      siteId: string;
      commands: { linux: string };
    };
    expect(a.commands.linux).toContain(a.activationCode);
    const row = await prisma.hybridActivation.findFirstOrThrow({ where: { activationId: a.activationId } });
    expect(row).toMatchObject({ siteId: a.siteId, apiKeyId: key.id });
    expect(row.codeCiphertext).not.toContain(a.activationCode);
    const again = await post({ siteName: 'prod-eu' });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({
      activationId: a.activationId,
      activationCode: a.activationCode,
      reused: true,
    });
    const site = await prisma.site.findUniqueOrThrow({ where: { id: a.siteId } });
    expect(site).toMatchObject({ companyId: c.id, name: 'prod-eu', clusterUid: 'uid-1', kind: 'KUBERNETES' });
    const audits = await prisma.auditLog.findMany({
      where: { companyId: c.id, action: { startsWith: 'aws.activation.' } },
      orderBy: { createdAt: 'asc' },
    });
    expect(audits.map((x) => [x.action, (x.data as { apiKeyId?: string }).apiKeyId])).toEqual([
      ['aws.activation.created', key.id],
      ['aws.activation.code_disclosed', key.id],
    ]);
    const listed = await listActivations({ prisma, runtime, companyId: c.id });
    expect(listed).toMatchObject([
      {
        activationId: a.activationId,
        siteName: 'prod-eu',
        registrationLimit: 20,
        registrationsCount: 0,
        createdByKey: { id: key.id, name: 'operator', prefix: 'aaaabbbbccccdddd' },
      },
    ]);
  });
});
