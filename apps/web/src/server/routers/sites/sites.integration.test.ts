// The portal's Kubernetes clusters: the install command carries a working site key and the
// company's signing secret; listing and minting respect tenancy and roles.
import type { Role } from '@aw/db';
import { openWebhookSecret } from '@aw/ingest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestbed, type Testbed } from '../../../testing/testbed';

const [target] = inject('pgTargets');

describe('sites procedures', () => {
  let t: Testbed;
  let prisma: Testbed['prisma'];
  const ids: Record<string, string> = {};
  const as = (userId: string) => t.as(userId);

  beforeAll(async () => {
    process.env.APP_ENCRYPTION_KEY ??= Buffer.alloc(32, 5).toString('base64');
    t = await createTestbed(target!);
    prisma = t.prisma;
    const user = async (name: string, mspId: string, role: Role, companyId?: string) => {
      ids[name] = await t.member(`${name}@x.test`, mspId, role, companyId);
    };
    for (const m of ['a', 'b']) {
      const msp = await prisma.msp.create({ data: { name: m, slug: m } });
      const c = await prisma.company.create({
        data: { mspId: msp.id, name: `${m}1`, slug: `${m}1`, awsExternalId: `aw-ext-${m}1` },
      });
      ids[`msp${m}`] = msp.id;
      ids[`${m}1`] = c.id;
      await user(`admin${m}`, msp.id, 'ADMIN');
    }
    await user('viewera1', ids.mspa!, 'CLIENT_VIEWER', ids.a1);
    await prisma.site.create({
      data: {
        mspId: ids.mspa!,
        companyId: ids.a1!,
        name: 'prod-eu',
        queueDepth: 4,
        operatorVersion: '0.1.0',
        lastSeenAt: new Date(),
      },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('mints a site key and shows the helm command with the portal URL, the key and the signing secret', async () => {
    const admin = await as(ids.admina!);
    const r = await admin.sites.createInstall({
      companyId: ids.a1!,
      clusterName: 'prod-us',
      origin: 'https://aw.example.com/settings',
    });
    expect(r.command).toContain('helm install alert-whisperer-operator ./charts/alert-whisperer-operator');
    expect(r.command).toContain('--set site.clusterName=prod-us');
    expect(r.command).toContain('--set site.upstreamURL=https://aw.example.com \\');
    const key = /credentials\.apiKey=(awk_\S+)/.exec(r.command)![1]!;
    const secret = /credentials\.hmacSecret=(whsec_\S+)/.exec(r.command)![1]!;
    // The key is a real key of this company, and the secret is the company's current one.
    const row = await prisma.apiKey.findFirstOrThrow({ where: { prefix: r.keyPrefix } });
    expect(row).toMatchObject({
      companyId: ids.a1,
      name: 'Kubernetes cluster prod-us',
      allowUnsigned: false,
    });
    expect(key).toContain(r.keyPrefix);
    const ws = await prisma.webhookSecret.findFirstOrThrow({
      where: { companyId: ids.a1!, revokedAt: null },
    });
    expect(await openWebhookSecret(ws.ciphertext, ids.a1!, process.env.APP_ENCRYPTION_KEY!)).toBe(secret);
    // A second cluster reuses the same secret (rotating it would break the first one).
    const r2 = await admin.sites.createInstall({
      companyId: ids.a1!,
      clusterName: 'prod-ap',
      origin: 'https://aw.example.com',
    });
    expect(/credentials\.hmacSecret=(whsec_\S+)/.exec(r2.command)![1]).toBe(secret);
  });

  it('rejects a bad cluster name with the field, and creates no key', async () => {
    const admin = await as(ids.admina!);
    const before = await prisma.apiKey.count();
    await expect(
      admin.sites.createInstall({
        companyId: ids.a1!,
        clusterName: 'Prod EU',
        origin: 'https://aw.example.com',
      }),
    ).rejects.toThrow(/clusterName|lowercase/);
    expect(await prisma.apiKey.count()).toBe(before);
  });

  it('lists the clusters of companies in scope only; viewers read but cannot mint keys', async () => {
    const viewer = await as(ids.viewera1!);
    const list = await viewer.sites.list({ companyId: ids.a1! });
    expect(list).toEqual([
      expect.objectContaining({ name: 'prod-eu', queueDepth: 4, operatorVersion: '0.1.0' }),
    ]);
    await expect(
      viewer.sites.createInstall({ companyId: ids.a1!, clusterName: 'x1', origin: 'https://aw.example.com' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const otherMsp = await as(ids.adminb!);
    await expect(otherMsp.sites.list({ companyId: ids.a1! })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      otherMsp.sites.createInstall({
        companyId: ids.a1!,
        clusterName: 'x2',
        origin: 'https://aw.example.com',
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
