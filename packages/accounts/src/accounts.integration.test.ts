import { hashPassword } from '@aw/core/password';
import { createPrismaClient, type PrismaClient } from '@aw/db';
import { createTestDatabase } from '@aw/db/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { assertCompanyAccess, loadViewer, tenantScope } from './access.ts';
import { authenticate, clearLoginThrottle, MAX_FAILED_LOGINS, SLOWDOWN_MAX_MS } from './authenticate.ts';

const [target] = inject('pgTargets');

describe('accounts', () => {
  let db: { url: string; drop(): Promise<void> };
  let prisma: PrismaClient;
  let ids: Record<string, string> = {};

  beforeAll(async () => {
    db = await createTestDatabase(target!);
    prisma = createPrismaClient(db.url, { max: 4 });
    const hash = await hashPassword('a good long password');
    const mspA = await prisma.msp.create({ data: { name: 'A', slug: 'a' } });
    const mspB = await prisma.msp.create({ data: { name: 'B', slug: 'b' } });
    const mk = (mspId: string, slug: string) =>
      prisma.company.create({ data: { mspId, name: slug, slug, awsExternalId: `x-${slug}` } });
    const a1 = await mk(mspA.id, 'a1');
    const a2 = await mk(mspA.id, 'a2');
    const b1 = await mk(mspB.id, 'b1');
    const tech = await prisma.user.create({ data: { email: 'tech@a.test', name: 't', passwordHash: hash } });
    const client = await prisma.user.create({
      data: { email: 'client@a1.test', name: 'c', passwordHash: hash },
    });
    await prisma.membership.create({ data: { userId: tech.id, mspId: mspA.id, role: 'TECHNICIAN' } });
    await prisma.membership.create({
      data: { userId: client.id, mspId: mspA.id, companyId: a1.id, role: 'CLIENT_ADMIN' },
    });
    ids = { a1: a1.id, a2: a2.id, b1: b1.id, tech: tech.id, client: client.id, mspA: mspA.id };
  });
  afterAll(async () => {
    await prisma.$disconnect();
    await db.drop();
  });

  it('signs in with the right password, case-insensitive email', async () => {
    const r = await authenticate(prisma, ' TECH@a.test ', 'a good long password');
    expect(r.ok).toBe(true);
  });

  it('rejects a wrong password and an unknown email the same way', async () => {
    expect(await authenticate(prisma, 'tech@a.test', 'nope nope nope')).toEqual({
      ok: false,
      reason: 'invalid',
    });
    expect(await authenticate(prisma, 'ghost@a.test', 'nope nope nope')).toEqual({
      ok: false,
      reason: 'invalid',
    });
  });

  it('locks out a client after repeated failures, even with the right password, but not other clients', async () => {
    const attacker = { client: '203.0.113.7' };
    for (let i = 0; i < MAX_FAILED_LOGINS; i++)
      await authenticate(prisma, 'client@a1.test', 'wrong password!', new Date(), attacker);
    expect(
      await authenticate(prisma, 'client@a1.test', 'a good long password', new Date(), attacker),
    ).toEqual({ ok: false, reason: 'locked' });
    // The owner, from their own client, still gets in: a stranger cannot lock them out.
    expect(
      (
        await authenticate(prisma, 'client@a1.test', 'a good long password', new Date(), {
          client: '198.51.100.4',
        })
      ).ok,
    ).toBe(true);
    const later = new Date(Date.now() + 16 * 60_000);
    expect((await authenticate(prisma, 'client@a1.test', 'a good long password', later, attacker)).ok).toBe(
      true,
    );
  });

  it('never hard-locks the account under distributed guessing: the right password from a clean client passes, later', async () => {
    const now = new Date();
    const none = async () => {};
    for (let i = 0; i < 60; i++)
      await authenticate(prisma, 'tech@a.test', 'guess guess guess', now, {
        client: `10.9.${i >> 8}.${i & 255}`,
        sleep: none,
      });
    const waited: number[] = [];
    const sleep = async (ms: number) => {
      waited.push(ms);
    };
    const r = await authenticate(prisma, 'tech@a.test', 'a good long password', now, {
      client: '198.51.100.9',
      sleep,
    });
    expect(r.ok).toBe(true);
    // Slowed down exponentially, up to the cap.
    expect(waited).toEqual([SLOWDOWN_MAX_MS]);
    await clearLoginThrottle(prisma, 'TECH@a.test');
    waited.length = 0;
    expect(
      (
        await authenticate(prisma, 'tech@a.test', 'a good long password', now, {
          client: '198.51.100.9',
          sleep,
        })
      ).ok,
    ).toBe(true);
    expect(waited).toEqual([]);
  });

  it('scopes MSP staff to their MSP and client people to their company', async () => {
    const tech = (await loadViewer(prisma, ids.tech!))!;
    const client = (await loadViewer(prisma, ids.client!))!;
    expect(tenantScope(tech)).toEqual({ mspId: ids.mspA });
    expect(tenantScope(client)).toEqual({ mspId: ids.mspA, companyId: ids.a1 });
    await expect(assertCompanyAccess(prisma, tech, ids.a2!)).resolves.toMatchObject({ id: ids.a2 });
    await expect(assertCompanyAccess(prisma, tech, ids.b1!)).rejects.toThrow(/not found/);
    await expect(assertCompanyAccess(prisma, client, ids.a2!)).rejects.toThrow(/not found/);
    await expect(assertCompanyAccess(prisma, client, ids.a1!)).resolves.toMatchObject({ id: ids.a1 });
  });

  it('drops access at once when the membership is removed', async () => {
    await prisma.membership.deleteMany({ where: { userId: ids.client } });
    expect(await loadViewer(prisma, ids.client!)).toBeNull();
  });
});
