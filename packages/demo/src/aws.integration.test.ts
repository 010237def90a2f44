// The embedded demo: Acme (simulated) connects to the fake AWS from its own template and shows
// nodes; the real demo companies stay untouched; the fake's state survives a restart.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPrismaClient, type PrismaClient } from '@aw/db';
import { createTestDatabase } from '@aw/db/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AwsRuntime, createActivation, listActivations } from '@aw/aws';
import { connectDemoAws, type DemoAws } from './aws.ts';
import { seedDemo } from './seed.ts';

const [target] = inject('pgTargets');

describe('demo simulated AWS account', () => {
  let db: { url: string; drop(): Promise<void> };
  let prisma: PrismaClient;
  let dataDir = '';
  let demo: DemoAws | null = null;

  beforeAll(async () => {
    db = await createTestDatabase(target!);
    prisma = createPrismaClient(db.url, { max: 4 });
    dataDir = mkdtempSync(path.join(tmpdir(), 'aw-demo-'));
    await seedDemo(prisma, dataDir);
  });
  afterAll(async () => {
    await demo?.stop();
    await prisma.$disconnect();
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('connects Acme and registers its demo nodes; other companies never get a role', async () => {
    demo = await connectDemoAws(prisma, { dataDir });
    expect(demo).not.toBeNull();
    expect(demo!.env.FAKE_AWS_ENDPOINT).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const companies = await prisma.company.findMany({ orderBy: { slug: 'asc' } });
    const acme = companies.find((c) => c.slug === 'acme')!;
    expect(acme).toMatchObject({ simulated: true, awsStatus: 'CONNECTED', awsLastError: null });
    expect(acme.awsRoleArn).toMatch(/^arn:aws:iam::4\d{11}:role\/AlertWhisperer-Access$/);
    for (const c of companies.filter((x) => x.slug !== 'acme'))
      expect(c).toMatchObject({ simulated: false, awsRoleArn: null, awsStatus: 'NOT_CONFIGURED' });
    const nodes = await prisma.managedNode.findMany({
      where: { companyId: acme.id },
      orderBy: { name: 'asc' },
    });
    expect(nodes.map((n) => [n.name, n.pingStatus, n.isHybrid])).toEqual([
      ['acme-db-01', 'Online', true],
      ['acme-files-01', 'Online', true],
      ['acme-legacy-erp', 'ConnectionLost', true],
      ['acme-web-01', 'Online', false],
    ]);
  });

  it('keeps the simulated account across a restart (same keys, same activations)', async () => {
    const acme = await prisma.company.findFirstOrThrow({ where: { slug: 'acme' } });
    const runtime = new AwsRuntime({
      fake: {
        endpoint: demo!.endpoint,
        accessKeyId: demo!.accessKeyId,
        secretAccessKey: demo!.secretAccessKey,
      },
    });
    const created = await createActivation({
      prisma,
      runtime,
      companyId: acme.id,
      input: { registrationLimit: 2 },
    });
    runtime.destroy();
    const keys = demo!.env.FAKE_AWS_ACCESS_KEY_ID;
    await demo!.stop();
    demo = await connectDemoAws(prisma, { dataDir });
    expect(demo!.env.FAKE_AWS_ACCESS_KEY_ID).toBe(keys);
    const again = new AwsRuntime({
      fake: {
        endpoint: demo!.endpoint,
        accessKeyId: demo!.accessKeyId,
        secretAccessKey: demo!.secretAccessKey,
      },
    });
    const list = await listActivations({ prisma, runtime: again, companyId: acme.id });
    again.destroy();
    expect(list.map((a) => a.activationId)).toContain(created.activationId);
    expect(await prisma.managedNode.count({ where: { companyId: acme.id } })).toBe(4);
  });
});
