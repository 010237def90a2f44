import { assertCompanyAccess } from '@aw/accounts';
import { protectedProcedure } from '../../trpc';
import { ZCompanyId } from './schemas';

export const getProcedure = protectedProcedure.input(ZCompanyId).query(async ({ ctx, input }) => {
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
});
