// Key and secret management through tRPC: tenancy before anything, client admins manage their
// own company, technicians and viewers only read, other MSPs and companies get NOT_FOUND.
import type { Role } from '@aw/db';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestbed, type Testbed } from '../../../testing/testbed';

const [target] = inject('pgTargets');

describe('ingest procedures across tenants', () => {
  let t: Testbed;
  let prisma: Testbed['prisma'];
  const ids: Record<string, string> = {};
  const as = (name: string) => t.as(ids[name]!);

  beforeAll(async () => {
    process.env.APP_ENCRYPTION_KEY ??= Buffer.alloc(32, 5).toString('base64');
    t = await createTestbed(target!);
    prisma = t.prisma;
    const user = async (name: string, mspId: string, role: Role, companyId?: string) => {
      ids[name] = await t.member(`${name}@x.test`, mspId, role, companyId);
    };
    for (const m of ['a', 'b']) {
      const msp = await prisma.msp.create({ data: { name: m, slug: `ing-${m}` } });
      for (const n of ['1', '2']) {
        const c = await prisma.company.create({
          data: { mspId: msp.id, name: `${m}${n}`, slug: `${m}${n}`, awsExternalId: `ing-ext-${m}${n}` },
        });
        ids[`${m}${n}`] = c.id;
      }
      await user(`owner${m}`, msp.id, 'OWNER');
      await user(`tech${m}`, msp.id, 'TECHNICIAN');
    }
    const mspA = (await prisma.company.findUniqueOrThrow({ where: { id: ids.a1! } })).mspId;
    await user('admina1', mspA, 'CLIENT_ADMIN', ids.a1);
    await user('viewera1', mspA, 'CLIENT_VIEWER', ids.a1);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('lets a client admin create, list, rotate and revoke keys of their own company', async () => {
    const admin = await as('admina1');
    const created = await admin.ingest.keys.create({
      companyId: ids.a1!,
      name: 'prometheus',
      allowUnsigned: true,
    });
    expect(created.key).toMatch(/^awk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    const listed = await admin.ingest.keys.list({ companyId: ids.a1! });
    expect(listed).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toContain(created.key);
    const rotated = await admin.ingest.keys.rotate({ companyId: ids.a1!, id: created.id, overlapMinutes: 5 });
    expect(rotated.key).not.toBe(created.key);
    await admin.ingest.keys.revoke({ companyId: ids.a1!, id: rotated.id });
    const states = (await admin.ingest.keys.list({ companyId: ids.a1! })).map((k) => k.state).sort();
    expect(states).toEqual(['expiring', 'revoked']);
    const { secret } = await admin.ingest.secret.rotate({ companyId: ids.a1! });
    expect(secret).toMatch(/^whsec_/);
    expect((await admin.ingest.secret.reveal({ companyId: ids.a1! }))!.secret).toBe(secret);
    const { command } = await admin.ingest.secret.curlExample({
      companyId: ids.a1!,
      baseUrl: 'https://aw.example.com',
    });
    expect(command).toContain('X-Signature: sha256=$SIG');
    expect(await admin.ingest.secret.setHmacRequired({ companyId: ids.a1!, required: false })).toEqual({
      hmacRequired: false,
    });
  });

  it('creates keys with the chosen scopes, lists them, and refuses an unsigned site key', async () => {
    const admin = await as('admina1');
    const site = await admin.ingest.keys.create({ companyId: ids.a1!, name: 'operator', scopes: ['site'] });
    expect(site.scopes).toEqual(['site']);
    const plain = await admin.ingest.keys.create({ companyId: ids.a1!, name: 'default' });
    expect(plain.scopes).toEqual(['alerts:write']);
    const listed = await admin.ingest.keys.list({ companyId: ids.a1! });
    expect(listed.find((k) => k.id === site.id)!.scopes).toEqual(['site']);
    await expect(
      admin.ingest.keys.create({ companyId: ids.a1!, name: 'x', scopes: ['site'], allowUnsigned: true }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(
      admin.ingest.keys.setAllowUnsigned({ companyId: ids.a1!, id: site.id, allowUnsigned: true }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(
      // @ts-expect-error an unknown scope is refused at the boundary
      admin.ingest.keys.create({ companyId: ids.a1!, name: 'x', scopes: ['admin'] }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(
      admin.ingest.keys.create({ companyId: ids.a1!, name: 'x', scopes: [] }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await admin.ingest.keys.revoke({ companyId: ids.a1!, id: site.id });
    await admin.ingest.keys.revoke({ companyId: ids.a1!, id: plain.id });
  });

  it('keeps client people inside their company and other MSPs out', async () => {
    const admin = await as('admina1');
    await expect(admin.ingest.keys.create({ companyId: ids.a2!, name: 'x' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(admin.ingest.keys.list({ companyId: ids.b1! })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const ownerB = await as('ownerb');
    await expect(ownerB.ingest.keys.list({ companyId: ids.a1! })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(ownerB.ingest.secret.rotate({ companyId: ids.a1! })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const keyOfA = (await admin.ingest.keys.list({ companyId: ids.a1! }))[0]!;
    const b1key = await ownerB.ingest.keys.create({ companyId: ids.b1!, name: 'b' });
    // an id from another company is unknown there
    await expect(ownerB.ingest.keys.revoke({ companyId: ids.b1!, id: keyOfA.id })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(b1key.key).toBeTruthy();
  });

  it('lets technicians and client viewers read but not manage', async () => {
    for (const who of ['techa', 'viewera1']) {
      const c = await as(who);
      expect(await c.ingest.keys.list({ companyId: ids.a1! })).not.toHaveLength(0);
      await expect(c.ingest.keys.create({ companyId: ids.a1!, name: 'x' })).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      await expect(c.ingest.secret.reveal({ companyId: ids.a1! })).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
    }
  });

  it('validates and previews generic mappings', async () => {
    const owner = await as('ownera');
    await expect(
      owner.ingest.mappings.save({ companyId: ids.a2!, name: 'zabbix', paths: { asset: 'host' } }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await owner.ingest.mappings.save({
      companyId: ids.a2!,
      name: 'zabbix',
      paths: { asset: 'host', signature: 'trigger' },
    });
    expect((await owner.ingest.mappings.list({ companyId: ids.a2! })).map((m) => m.name)).toEqual(['zabbix']);
    const pv = await owner.ingest.mappings.preview({
      companyId: ids.a2!,
      paths: { asset: 'host', signature: 'trigger' },
      sample: { host: 'db-1', trigger: 'Disk low' },
    });
    expect(pv).toMatchObject({ ok: true, alerts: [{ asset: 'db-1', signature: 'Disk low' }] });
  });
});
