// Attacks from the issue-10 probe, driven against the services with a real database and, for mail,
// a real SMTP server on loopback. The browser and HTTP versions live in apps/web/e2e.
import { randomUUID } from 'node:crypto';
import { createPrismaClient, type PrismaClient } from '@aw/db';
import { createTestDatabase } from '@aw/db/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadViewer, type Viewer } from './access.ts';
import { authenticate, MAX_FAILED_LOGINS } from './authenticate.ts';
import {
  acceptInvitationAsUser,
  acceptInvitationWithNewAccount,
  createInvitation,
  describeInvitation,
} from './invitations.ts';
import { MemoryMailer, SmtpMailer } from './mail.ts';
import { changeRole, listMembers, removeMember } from './members.ts';
import { requestPasswordReset, resetPassword } from './password-reset.ts';
import { completeSignUp, requestSignUp } from './signup-request.ts';
import { signUp } from './signup.ts';
import { startSmtpSink } from './testing/smtp-sink.ts';

const [target] = inject('pgTargets');
const linkIn = (text: string) => /https?:\/\/\S+/.exec(text)![0];
const tokenOf = (url: string) => url.split('/').pop()!;
const noWait = { sleep: async () => {} };

describe('accounts security', () => {
  let db: { url: string; drop(): Promise<void> };
  let prisma: PrismaClient;
  let alpha: Viewer;
  let beta: Viewer;
  const mailer = new MemoryMailer();
  const opts = { mailer, baseUrl: 'http://aw.test' };
  const lastTo = (to: string) => mailer.sent.filter((m) => m.to === to).at(-1)!;

  beforeAll(async () => {
    db = await createTestDatabase(target!);
    prisma = createPrismaClient(db.url, { max: 12 });
    const a = await signUp(prisma, {
      mspName: 'Alpha',
      name: 'A',
      email: 'a@alpha.test',
      password: 'alpha password 1',
    });
    const b = await signUp(prisma, {
      mspName: 'Beta',
      name: 'B',
      email: 'b@beta.test',
      password: 'beta password 11',
    });
    alpha = (await loadViewer(prisma, a.userId))!;
    beta = (await loadViewer(prisma, b.userId))!;
  });
  afterAll(async () => {
    await prisma.$disconnect();
    await db.drop();
  });

  it('counts every one of 20 concurrent wrong guesses (one atomic upsert each)', async () => {
    const email = 'b@beta.test';
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        authenticate(prisma, email, `wrong guess ${i}`, new Date(), { client: `192.0.2.${i}`, ...noWait }),
      ),
    );
    const rows = await prisma.loginThrottle.findMany();
    // One account row (20 failures) and one row per client (1 each).
    expect(rows.map((r) => r.failures).sort((x, y) => y - x)).toEqual([20, ...Array(20).fill(1)]);
    await prisma.loginThrottle.deleteMany();

    // The same client guessing concurrently: each guess counts, so the pair locks.
    await Promise.all(
      Array.from({ length: 2 * MAX_FAILED_LOGINS }, (_, i) =>
        authenticate(prisma, email, `wrong guess ${i}`, new Date(), { client: '192.0.2.99', ...noWait }),
      ),
    );
    expect(
      await authenticate(prisma, email, 'beta password 11', new Date(), { client: '192.0.2.99', ...noWait }),
    ).toEqual({ ok: false, reason: 'locked' });
    expect(
      (
        await authenticate(prisma, email, 'beta password 11', new Date(), {
          client: '192.0.2.100',
          ...noWait,
        })
      ).ok,
    ).toBe(true);
    await prisma.loginThrottle.deleteMany();
  });

  it('never gives the inviter the token: not in the result, not in the members list', async () => {
    const inv = await createInvitation(
      prisma,
      alpha,
      { email: 'new@x.test', role: 'TECHNICIAN', companyId: null },
      opts,
    );
    const token = tokenOf(linkIn(lastTo('new@x.test').text));
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(inv)).not.toContain(token);
    expect(JSON.stringify(await listMembers(prisma, alpha))).not.toContain(token);
  });

  it('shows the same invitation whether or not the address has an account', async () => {
    await createInvitation(
      prisma,
      alpha,
      { email: 'b@beta.test', role: 'TECHNICIAN', companyId: null },
      opts,
    );
    await createInvitation(
      prisma,
      alpha,
      { email: 'nobody@x.test', role: 'TECHNICIAN', companyId: null },
      opts,
    );
    const existing = await describeInvitation(prisma, tokenOf(linkIn(lastTo('b@beta.test').text)));
    const fresh = await describeInvitation(prisma, tokenOf(linkIn(lastTo('nobody@x.test').text)));
    expect({ ...existing, email: '' }).toEqual({ ...fresh, email: '' });
  });

  it('never checks a password to accept for an existing account; only its signed-in owner accepts', async () => {
    const token = tokenOf(linkIn(lastTo('b@beta.test').text));
    // The right password and a wrong one get the same answer, and nothing happens.
    for (const password of ['beta password 11', 'wrong password 1', 'short']) {
      await expect(
        acceptInvitationWithNewAccount(prisma, { token, name: 'x', password }),
      ).rejects.toMatchObject({
        code: 'CONFLICT',
        message: expect.stringContaining('sign in to accept'),
      });
    }
    expect(await describeInvitation(prisma, token)).not.toBeNull();
    // Signed in as someone else (alpha's owner): refused.
    await expect(acceptInvitationAsUser(prisma, { token, userId: alpha.userId })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await acceptInvitationAsUser(prisma, { token, userId: beta.userId });
    const joined = await prisma.membership.findMany({ where: { userId: beta.userId } });
    expect(joined.map((m) => m.mspId).sort()).toEqual([alpha.membership.mspId, beta.membership.mspId].sort());
    await expect(acceptInvitationAsUser(prisma, { token, userId: beta.userId })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('answers sign-up the same for a known and an unknown address; only the mailbox learns which', async () => {
    const secret = 's'.repeat(40);
    const before = await prisma.user.count();
    const known = await requestSignUp(
      prisma,
      { mspName: 'Evil', name: 'E', email: 'B@beta.test' },
      { ...opts, secret },
    );
    const unknown = await requestSignUp(
      prisma,
      { mspName: 'Good', name: 'G', email: 'g@good.test' },
      { ...opts, secret },
    );
    expect(known).toEqual(unknown);
    expect(await prisma.user.count()).toBe(before);
    expect(lastTo('b@beta.test').text).toContain('already has an account');
    const link = linkIn(lastTo('g@good.test').text);
    expect(link).toContain('/sign-up/');
    const token = tokenOf(link);
    await expect(
      completeSignUp(
        prisma,
        { token: token.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')), password: 'good password 1' },
        { secret },
      ),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const created = await completeSignUp(prisma, { token, password: 'good password 1' }, { secret });
    expect(created.email).toBe('g@good.test');
    await expect(
      completeSignUp(prisma, { token, password: 'good password 2' }, { secret }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(
      completeSignUp(
        prisma,
        { token, password: 'x' },
        { secret, now: new Date(Date.now() + 25 * 3_600_000) },
      ),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('answers a password reset the same for a known and an unknown address', async () => {
    const n = mailer.sent.length;
    expect(await requestPasswordReset(prisma, 'a@alpha.test', opts)).toEqual(
      await requestPasswordReset(prisma, 'ghost@alpha.test', opts),
    );
    expect(mailer.sent.slice(n).map((m) => m.to)).toEqual(['a@alpha.test']);
  });

  it('bumps the session version on a password reset and on a removed membership', async () => {
    const version = async (id: string) =>
      (await prisma.user.findUniqueOrThrow({ where: { id } })).sessionVersion;
    const v0 = await version(alpha.userId);
    await requestPasswordReset(prisma, 'a@alpha.test', opts);
    await resetPassword(prisma, tokenOf(linkIn(lastTo('a@alpha.test').text)), 'alpha password 2');
    expect(await version(alpha.userId)).toBe(v0 + 1);

    const betaInAlpha = await prisma.membership.findFirstOrThrow({
      where: { userId: beta.userId, mspId: alpha.membership.mspId },
    });
    const vb = await version(beta.userId);
    await removeMember(prisma, alpha, betaInAlpha.id);
    expect(await version(beta.userId)).toBe(vb + 1);
  });

  it("answers another MSP's membership id exactly like a missing one", async () => {
    const missing = randomUUID();
    const foreign = beta.membership.id;
    const outcome = (p: Promise<unknown>) =>
      p.then(
        () => 'resolved',
        (e: { code: string; message: string }) => `${e.code}: ${e.message}`,
      );
    expect(await outcome(removeMember(prisma, alpha, foreign))).toBe(
      await outcome(removeMember(prisma, alpha, missing)),
    );
    expect(await outcome(changeRole(prisma, alpha, foreign, 'ADMIN'))).toBe(
      await outcome(changeRole(prisma, alpha, missing, 'ADMIN')),
    );
    expect(await outcome(removeMember(prisma, alpha, missing))).toBe('NOT_FOUND: member not found');
    expect(await prisma.membership.findUnique({ where: { id: foreign } })).not.toBeNull();
  });

  it('delivers invitation and reset links over SMTP to a loopback server', async () => {
    const sink = await startSmtpSink();
    const smtp = new SmtpMailer(sink.url, 'Alert Whisperer <aw@alpha.test>');
    try {
      const smtpOpts = { mailer: smtp, baseUrl: 'http://aw.test' };
      await createInvitation(
        prisma,
        alpha,
        { email: 'smtp@x.test', role: 'TECHNICIAN', companyId: null },
        smtpOpts,
      );
      const [inviteLink] = await sink.waitFor('smtp@x.test', /http:\/\/aw\.test\/invite\/[A-Za-z0-9_-]{43}/);
      expect(await describeInvitation(prisma, tokenOf(inviteLink))).toMatchObject({ email: 'smtp@x.test' });
      await acceptInvitationWithNewAccount(prisma, {
        token: tokenOf(inviteLink),
        name: 'S',
        password: 'smtp password 1',
      });

      await requestPasswordReset(prisma, 'smtp@x.test', smtpOpts);
      const [resetLink] = await sink.waitFor(
        'smtp@x.test',
        /http:\/\/aw\.test\/reset-password\/[A-Za-z0-9_-]{43}/,
      );
      await resetPassword(prisma, tokenOf(resetLink), 'smtp password 2');
      expect((await authenticate(prisma, 'smtp@x.test', 'smtp password 2', new Date(), noWait)).ok).toBe(
        true,
      );
      expect(sink.mails.every((m) => m.from === 'aw@alpha.test')).toBe(true);
      expect(sink.mails.map((m) => m.subject)).toEqual([
        'You are invited to Alert Whisperer',
        'Reset your Alert Whisperer password',
      ]);
    } finally {
      smtp.close();
      await sink.close();
    }
  });
});
