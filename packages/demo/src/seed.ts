// The demo tenant for the embedded default: one MSP, three client companies and three people.
// Idempotent: a second run finds the demo MSP and changes nothing. Only people and companies are
// seeded; every alert, incident and KPI the demo shows comes from the real pipeline.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { hashPassword } from '@aw/core/password';
import type { PrismaClient } from '@aw/db';

export interface DemoLogin {
  role: string;
  email: string;
  password: string;
}

export const DEMO_MSP_SLUG = 'demo-msp';

export const DEMO_COMPANIES = [
  { name: 'Acme Manufacturing', slug: 'acme', simulated: true },
  { name: 'Globex Health', slug: 'globex', simulated: false },
  { name: 'Initech Finance', slug: 'initech', simulated: false },
] as const;

function demoPassword(): string {
  return `demo-${randomBytes(9).toString('base64url')}`;
}

export async function seedDemo(
  prisma: PrismaClient,
  dataDir: string,
): Promise<{ created: boolean; logins: DemoLogin[]; mspId: string }> {
  const credFile = path.join(dataDir, 'demo-credentials.json');
  const existing = await prisma.msp.findUnique({ where: { slug: DEMO_MSP_SLUG } });
  if (existing) {
    const logins = existsSync(credFile) ? (JSON.parse(readFileSync(credFile, 'utf8')) as DemoLogin[]) : [];
    await seedDemoRunbookPolicy(prisma, existing.id);
    return { created: false, logins, mspId: existing.id };
  }
  const logins: DemoLogin[] = [
    { role: 'MSP owner', email: 'owner@demo-msp.test', password: demoPassword() },
    { role: 'Technician', email: 'tech@demo-msp.test', password: demoPassword() },
    { role: 'Client admin (Acme Manufacturing)', email: 'admin@acme.test', password: demoPassword() },
  ];
  const hashes = await Promise.all(logins.map((l) => hashPassword(l.password)));
  const mspId = await prisma.$transaction(async (tx) => {
    const msp = await tx.msp.create({
      data: { name: 'Demo MSP', slug: DEMO_MSP_SLUG, awsAccountId: '111122223333' },
    });
    const companies = [];
    for (const c of DEMO_COMPANIES) {
      companies.push(
        await tx.company.create({
          data: {
            mspId: msp.id,
            name: c.name,
            slug: c.slug,
            simulated: c.simulated,
            awsExternalId: `aw-${randomBytes(16).toString('hex')}`,
            webhookOnly: !c.simulated,
            onboardingStep: 'done',
            onboardingDoneAt: new Date(),
          },
        }),
      );
    }
    const [owner, tech, client] = await Promise.all(
      logins.map((l, i) =>
        tx.user.create({ data: { email: l.email, name: l.role, passwordHash: hashes[i]! } }),
      ),
    );
    await tx.membership.createMany({
      data: [
        { userId: owner!.id, mspId: msp.id, role: 'OWNER' },
        { userId: tech!.id, mspId: msp.id, role: 'TECHNICIAN' },
        { userId: client!.id, mspId: msp.id, companyId: companies[0]!.id, role: 'CLIENT_ADMIN' },
      ],
    });
    await tx.auditLog.create({
      data: { mspId: msp.id, action: 'demo.seeded', targetType: 'msp', targetId: msp.id },
    });
    return msp.id;
  });
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(credFile, JSON.stringify(logins, null, 2), { mode: 0o600 });
  await seedDemoRunbookPolicy(prisma, mspId);
  return { created: true, logins, mspId };
}

/**
 * The simulated company's self-healing: an AUTO policy that runs MSP-DiskCleanup for `disk_full`
 * (the documents themselves are installed into its simulated account by the launcher). A shorter
 * verify window than the 5-minute default so the demo resolves within two minutes. Idempotent.
 */
export async function seedDemoRunbookPolicy(prisma: PrismaClient, mspId: string): Promise<void> {
  const company = await prisma.company.findFirst({
    where: { mspId, simulated: true },
    orderBy: { slug: 'asc' },
  });
  if (!company) return;
  const runbook = await prisma.runbook.upsert({
    where: { mspId_name: { mspId, name: 'MSP-DiskCleanup' } },
    create: {
      mspId,
      name: 'MSP-DiskCleanup',
      documentName: 'MSP-DiskCleanup',
      kind: 'COMMAND',
      platform: 'Linux, Windows',
      signatures: ['disk_full', 'disk_space_low'],
    },
    update: {},
  });
  await prisma.runbookPolicy.upsert({
    where: {
      companyId_runbookId_signature: { companyId: company.id, runbookId: runbook.id, signature: 'disk_full' },
    },
    create: {
      mspId,
      companyId: company.id,
      runbookId: runbook.id,
      signature: 'disk_full',
      mode: 'AUTO',
      parameters: { OlderThanDays: '7', JournalMaxSize: '500M' },
      verifyMinutes: 2,
    },
    update: {},
  });
}
