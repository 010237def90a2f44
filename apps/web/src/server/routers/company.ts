import {
  assertCompanyAccess,
  createCompany,
  ONBOARDING_STEPS,
  setOnboardingStep,
  updateCompanyProfile,
} from '@aw/accounts';
import { z } from 'zod';
import { protectedProcedure, router } from '../trpc';

const ZCompanyId = z.object({ companyId: z.string().uuid() });

export const companyRouter = router({
  /** Companies the viewer may see: all of the MSP for staff, only their own for client people. */
  list: protectedProcedure.query(async ({ ctx }) => {
    const where = ctx.scope.companyId
      ? { mspId: ctx.scope.mspId, id: ctx.scope.companyId }
      : { mspId: ctx.scope.mspId };
    const companies = await ctx.prisma.company.findMany({
      where,
      orderBy: { name: 'asc' },
      select: {
        id: true,
        name: true,
        slug: true,
        simulated: true,
        webhookOnly: true,
        awsStatus: true,
        hmacRequired: true,
        onboardingStep: true,
        onboardingDoneAt: true,
        firstAlertAt: true,
        _count: { select: { incidents: { where: { status: { not: 'RESOLVED' } } }, alerts: true } },
      },
    });
    return companies.map(({ _count, ...c }) => ({
      ...c,
      openIncidents: _count.incidents,
      alerts: _count.alerts,
    }));
  }),

  get: protectedProcedure.input(ZCompanyId).query(async ({ ctx, input }) => {
    const c = await assertCompanyAccess(ctx.prisma, ctx.viewer, input.companyId);
    return {
      id: c.id,
      name: c.name,
      slug: c.slug,
      timezone: c.timezone,
      simulated: c.simulated,
      webhookOnly: c.webhookOnly,
      hmacRequired: c.hmacRequired,
      awsExternalId: c.awsExternalId,
      awsRoleArn: c.awsRoleArn,
      awsRegion: c.awsRegion,
      awsStatus: c.awsStatus,
      awsLastTestedAt: c.awsLastTestedAt,
      awsLastError: c.awsLastError,
      onboardingStep: c.onboardingStep,
      onboardingDoneAt: c.onboardingDoneAt,
      firstAlertAt: c.firstAlertAt,
    };
  }),

  create: protectedProcedure
    .input(z.object({ name: z.string().trim().min(2).max(100) }))
    .mutation(({ ctx, input }) => createCompany(ctx.prisma, ctx.viewer, input)),

  updateProfile: protectedProcedure
    .input(
      ZCompanyId.extend({ name: z.string().trim().min(2).max(100), timezone: z.string().min(1).max(64) }),
    )
    .mutation(({ ctx, input }) =>
      updateCompanyProfile(ctx.prisma, ctx.viewer, input.companyId, {
        name: input.name,
        timezone: input.timezone,
      }),
    ),

  setOnboardingStep: protectedProcedure
    .input(ZCompanyId.extend({ step: z.enum(ONBOARDING_STEPS), webhookOnly: z.boolean().optional() }))
    .mutation(({ ctx, input }) =>
      setOnboardingStep(ctx.prisma, ctx.viewer, input.companyId, input.step, {
        webhookOnly: input.webhookOnly,
      }),
    ),
});
