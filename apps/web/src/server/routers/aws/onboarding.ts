import { getOnboarding } from '@aw/aws';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc';
import { companyAccess } from '../../company-access';

/** External ID, CloudFormation template, quick-create URL, Terraform usage and connection state. */
export const onboardingProcedure = protectedProcedure
  .input(z.object({ companyId: z.string().uuid() }))
  .query(async ({ ctx, input }) => {
    await companyAccess(ctx, input.companyId);
    return getOnboarding({ prisma: ctx.prisma, runtime: ctx.services.aws, companyId: input.companyId });
  });
