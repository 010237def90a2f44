import { randomBytes } from 'node:crypto';
import { AppError } from '@aw/core/errors';
import { assertCan } from '@aw/core/permissions';
import type { PrismaClient } from '@aw/db';
import { type Viewer, assertCompanyAccess } from './access.ts';
import { audit } from './audit.ts';
import { slugify } from './signup.ts';

/** The steps of the client self-onboarding wizard, in order. */
export const ONBOARDING_STEPS = ['profile', 'keys', 'aws', 'test', 'done'] as const;
export type OnboardingStep = (typeof ONBOARDING_STEPS)[number];

/** 128 random bits: unique and unguessable, as an External ID must be (confused deputy). */
export function newExternalId(): string {
  return `aw-${randomBytes(16).toString('hex')}`;
}

export async function createCompany(prisma: PrismaClient, viewer: Viewer, input: { name: string }) {
  assertCan(viewer.membership.role, 'company.create');
  const name = input.name.trim();
  if (name.length < 2)
    throw new AppError('BAD_REQUEST', 'name is too short', [
      { field: 'name', reason: 'at least 2 characters' },
    ]);
  const mspId = viewer.membership.mspId;
  return prisma.$transaction(async (tx) => {
    const base = slugify(name);
    let slug = base;
    for (let i = 2; await tx.company.findUnique({ where: { mspId_slug: { mspId, slug } } }); i++)
      slug = `${base}-${i}`;
    const company = await tx.company.create({
      data: { mspId, name, slug, awsExternalId: newExternalId(), onboardingStep: 'profile' },
    });
    await audit(tx, {
      mspId,
      companyId: company.id,
      actorId: viewer.userId,
      action: 'company.created',
      targetType: 'company',
      targetId: company.id,
      data: { name },
    });
    return company;
  });
}

export async function updateCompanyProfile(
  prisma: PrismaClient,
  viewer: Viewer,
  companyId: string,
  input: { name: string; timezone: string },
) {
  const company = await assertCompanyAccess(prisma, viewer, companyId);
  assertCan(viewer.membership.role, 'company.update');
  const name = input.name.trim();
  if (name.length < 2)
    throw new AppError('BAD_REQUEST', 'name is too short', [
      { field: 'name', reason: 'at least 2 characters' },
    ]);
  try {
    new Intl.DateTimeFormat('en', { timeZone: input.timezone });
  } catch {
    throw new AppError('BAD_REQUEST', 'unknown time zone', [
      { field: 'timezone', reason: 'not an IANA time zone' },
    ]);
  }
  return prisma.$transaction(async (tx) => {
    const updated = await tx.company.update({
      where: { id: company.id },
      data: { name, timezone: input.timezone },
    });
    await audit(tx, {
      mspId: company.mspId,
      companyId: company.id,
      actorId: viewer.userId,
      action: 'company.profile_updated',
      targetType: 'company',
      targetId: company.id,
      data: { name, timezone: input.timezone },
    });
    return updated;
  });
}

/** Moves the wizard to a step (any step may be skipped and resumed later). */
export async function setOnboardingStep(
  prisma: PrismaClient,
  viewer: Viewer,
  companyId: string,
  step: OnboardingStep,
  opts: { webhookOnly?: boolean } = {},
) {
  const company = await assertCompanyAccess(prisma, viewer, companyId);
  assertCan(viewer.membership.role, 'company.onboarding.update');
  if (opts.webhookOnly !== undefined && opts.webhookOnly !== company.webhookOnly)
    assertCan(viewer.membership.role, 'company.webhookOnly.set');
  return prisma.company.update({
    where: { id: company.id },
    data: {
      onboardingStep: step,
      ...(step === 'done' && !company.onboardingDoneAt ? { onboardingDoneAt: new Date() } : {}),
      ...(opts.webhookOnly !== undefined ? { webhookOnly: opts.webhookOnly } : {}),
    },
  });
}
