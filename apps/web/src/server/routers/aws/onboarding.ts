import { getAwsRuntime, getOnboarding } from '@aw/aws';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc';
import { awsCompanyAccess } from './access';

/** External ID, CloudFormation template, quick-create URL, Terraform usage and connection state. */
export const onboarding = protectedProcedure
  .input(z.object({ companyId: z.string().uuid() }))
  .query(async ({ ctx, input }) => {
    await awsCompanyAccess(ctx, input.companyId, 'read');
    return getOnboarding({ prisma: ctx.prisma, runtime: getAwsRuntime(), companyId: input.companyId });
  });
