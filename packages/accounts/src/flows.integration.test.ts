import { createPrismaClient, type PrismaClient } from '@aw/db';
import { createTestDatabase } from '@aw/db/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadViewer, type Viewer } from './access.ts';
import { authenticate } from './authenticate.ts';
import {
  acceptInvitationWithNewAccount,
  createInvitation,
  describeInvitation,
  revokeInvitation,
} from './invitations.ts';
import { MemoryMailer } from './mail.ts';
import { changeRole, listAuditLog, listMembers, removeMember } from './members.ts';
import { requestPasswordReset, resetPassword } from './password-reset.ts';
import { signUp } from './signup.ts';

const targets = inject('pgTargets');
const tokenOf = (url: string) => url.split('/').pop()!;
/** The link in the last mail to `to`: only the invitee's mailbox ever holds it. */
const mailedLink = (mailer: MemoryMailer, to: string) =>
  /https?:\/\/\S+/.exec(mailer.sent.filter((m) => m.to === to).at(-1)!.text)![0];

describe.each(targets)('account flows on $name', (target) => {
  let db: { url: string; drop(): Promise<void> };
  let prisma: PrismaClient;
  let owner: Viewer;
  let otherOwner: Viewer;
  let companyId: string;
  const mailer = new MemoryMailer();
  const opts = { mailer, baseUrl: 'http://aw.test' };

  beforeAll(async () => {
    db = await createTestDatabase(target);
    prisma = createPrismaClient(db.url, { max: 6 });
    const a = await signUp(prisma, {
      mspName: 'Alpha IT',
      name: 'Ann',
      email: 'ann@alpha.test',
      password: 'alpha password 1',
    });
    const b = await signUp(prisma, {
      mspName: 'Beta IT',
      name: 'Bob',
      email: 'bob@beta.test',
      password: 'beta password 1',
    });
    owner = (await loadViewer(prisma, a.userId))!;
    otherOwner = (await loadViewer(prisma, b.userId))!;
    companyId = (
      await prisma.company.create({
        data: { mspId: a.mspId, name: 'Client', slug: 'client', awsExternalId: 'ext-1' },
      })
    ).id;
  });
  afterAll(async () => {
    await prisma.$disconnect();
    await db.drop();
  });

  it('sign-up refuses a taken email and a weak password, writing nothing', async () => {
    const before = await prisma.msp.count();
    await expect(
      signUp(prisma, { mspName: 'X', name: 'x', email: 'ANN@alpha.test', password: 'long enough pw' }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(
      signUp(prisma, { mspName: 'X', name: 'x', email: 'x@x.test', password: 'short' }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      problems: [{ field: 'password' }],
    });
    expect(await prisma.msp.count()).toBe(before);
  });

  it('invites a client admin who accepts once; the link then stops working', async () => {
    const inv = await createInvitation(
      prisma,
      owner,
      { email: 'cara@client.test', role: 'CLIENT_ADMIN', companyId },
      opts,
    );
    const token = tokenOf(mailedLink(mailer, 'cara@client.test'));
    expect(JSON.stringify(inv)).not.toContain(token);
    expect(await describeInvitation(prisma, token)).toMatchObject({
      email: 'cara@client.test',
      companyName: 'Client',
    });
    const results = await Promise.allSettled([
      acceptInvitationWithNewAccount(prisma, { token, name: 'Cara', password: 'cara password 1' }),
      acceptInvitationWithNewAccount(prisma, { token, name: 'Cara', password: 'cara password 1' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await describeInvitation(prisma, token)).toBeNull();
    const cara = await authenticate(prisma, 'cara@client.test', 'cara password 1');
    expect(cara.ok).toBe(true);
    const viewer = (await loadViewer(prisma, (cara as { user: { id: string } }).user.id))!;
    expect(viewer.membership).toMatchObject({ role: 'CLIENT_ADMIN', companyId });
  });

  it('refuses expired and revoked invitations', async () => {
    const past = new Date(Date.now() - 8 * 86_400_000);
    await createInvitation(
      prisma,
      owner,
      { email: 'late@x.test', role: 'TECHNICIAN', companyId: null },
      { ...opts, now: past },
    );
    await expect(
      acceptInvitationWithNewAccount(prisma, {
        token: tokenOf(mailedLink(mailer, 'late@x.test')),
        name: 'L',
        password: 'late password 1',
      }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const rev = await createInvitation(
      prisma,
      owner,
      { email: 'rev@x.test', role: 'TECHNICIAN', companyId: null },
      opts,
    );
    await revokeInvitation(prisma, owner, rev.id);
    await expect(
      acceptInvitationWithNewAccount(prisma, {
        token: tokenOf(mailedLink(mailer, 'rev@x.test')),
        name: 'R',
        password: 'rev password 11',
      }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('does not let an MSP invite into, or revoke for, another MSP', async () => {
    await expect(
      createInvitation(prisma, otherOwner, { email: 'x@y.test', role: 'CLIENT_ADMIN', companyId }, opts),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const inv = await createInvitation(
      prisma,
      owner,
      { email: 'z@y.test', role: 'TECHNICIAN', companyId: null },
      opts,
    );
    await expect(revokeInvitation(prisma, otherOwner, inv.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('lets a client admin invite only to their own company and never staff', async () => {
    const cara = (await loadViewer(
      prisma,
      (await prisma.user.findUniqueOrThrow({ where: { email: 'cara@client.test' } })).id,
    ))!;
    await expect(
      createInvitation(prisma, cara, { email: 'v@client.test', role: 'CLIENT_VIEWER', companyId }, opts),
    ).resolves.toMatchObject({ email: 'v@client.test' });
    await expect(
      createInvitation(prisma, cara, { email: 't@x.test', role: 'TECHNICIAN', companyId: null }, opts),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const members = await listMembers(prisma, cara);
    expect(members.members.map((m) => m.email)).toEqual(['cara@client.test']);
  });

  it('resets a password once with the mailed token', async () => {
    await requestPasswordReset(prisma, 'ann@alpha.test', opts);
    await requestPasswordReset(prisma, 'nobody@alpha.test', opts); // silently nothing
    const token = tokenOf(mailer.sent.at(-1)!.text.trim());
    await resetPassword(prisma, token, 'brand new password');
    expect((await authenticate(prisma, 'ann@alpha.test', 'brand new password')).ok).toBe(true);
    expect((await authenticate(prisma, 'ann@alpha.test', 'alpha password 1')).ok).toBe(false);
    await expect(resetPassword(prisma, token, 'another new password')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('keeps the last owner and records removals in the audit log', async () => {
    await expect(removeMember(prisma, owner, owner.membership.id)).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(changeRole(prisma, owner, owner.membership.id, 'ADMIN')).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    const cara = await prisma.membership.findFirstOrThrow({ where: { companyId } });
    await expect(removeMember(prisma, otherOwner, cara.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await removeMember(prisma, owner, cara.id);
    expect(await loadViewer(prisma, cara.userId)).toBeNull();
    const log = await listAuditLog(prisma, owner);
    expect(log.items.map((i) => i.action)).toContain('member.removed');
    const otherLog = await listAuditLog(prisma, otherOwner);
    expect(otherLog.items.every((i) => i.mspId === otherOwner.membership.mspId)).toBe(true);
  });
});

describe.each(targets)('companies on $name', (target) => {
  let db: { url: string; drop(): Promise<void> };
  let prisma: PrismaClient;
  beforeAll(async () => {
    db = await createTestDatabase(target);
    prisma = createPrismaClient(db.url, { max: 4 });
  });
  afterAll(async () => {
    await prisma.$disconnect();
    await db.drop();
  });

  it('creates companies with unique unguessable External IDs, only for owners and admins', async () => {
    const { signUp: su } = await import('./signup.ts');
    const { createCompany, updateCompanyProfile, setOnboardingStep } = await import('./companies.ts');
    const a = await su(prisma, {
      mspName: 'Gamma',
      name: 'G',
      email: 'g@gamma.test',
      password: 'gamma password',
    });
    const owner = (await loadViewer(prisma, a.userId))!;
    const c1 = await createCompany(prisma, owner, { name: 'Hooli' });
    const c2 = await createCompany(prisma, owner, { name: 'Hooli' });
    expect(c1.slug).toBe('hooli');
    expect(c2.slug).toBe('hooli-2');
    expect(c1.awsExternalId).toMatch(/^aw-[0-9a-f]{32}$/);
    expect(c1.awsExternalId).not.toBe(c2.awsExternalId);

    const tech = await prisma.user.create({ data: { email: 't@gamma.test', name: 't', passwordHash: 'x' } });
    await prisma.membership.create({ data: { userId: tech.id, mspId: a.mspId, role: 'TECHNICIAN' } });
    const techViewer = (await loadViewer(prisma, tech.id))!;
    await expect(createCompany(prisma, techViewer, { name: 'Nope' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });

    await expect(
      updateCompanyProfile(prisma, owner, c1.id, { name: 'Hooli XYZ', timezone: 'Mars/Olympus' }),
    ).rejects.toMatchObject({ problems: [{ field: 'timezone' }] });
    expect((await prisma.company.findUniqueOrThrow({ where: { id: c1.id } })).name).toBe('Hooli');
    await updateCompanyProfile(prisma, owner, c1.id, { name: 'Hooli XYZ', timezone: 'Europe/Berlin' });
    const done = await setOnboardingStep(prisma, owner, c1.id, 'done', { webhookOnly: true });
    expect(done.onboardingDoneAt).not.toBeNull();
    expect(done.webhookOnly).toBe(true);

    const b = await su(prisma, {
      mspName: 'Delta',
      name: 'D',
      email: 'd@delta.test',
      password: 'delta password',
    });
    const other = (await loadViewer(prisma, b.userId))!;
    await expect(setOnboardingStep(prisma, other, c1.id, 'aws')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
