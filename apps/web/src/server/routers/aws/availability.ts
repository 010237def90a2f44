import { z } from 'zod';
import { protectedProcedure } from '../../trpc';
import { companyAccess } from '../../company-access';

/**
 * Whether AWS onboarding can work for this company: client roles must trust an AWS account, the
 * MSP's own or the deployment's (PLATFORM_AWS_ACCOUNT_ID). Without one, webhook-only mode.
 */
export const availabilityProcedure = protectedProcedure
  .input(z.object({ companyId: z.string().uuid() }))
  .query(async ({ ctx, input }) => {
    const company = await companyAccess(ctx, input.companyId);
    const msp = await ctx.prisma.msp.findUniqueOrThrow({
      where: { id: company.mspId },
      select: { awsAccountId: true },
    });
    const available = Boolean(msp.awsAccountId ?? ctx.services.aws.platformAccountId);
    return {
      available,
      reason: available
        ? null
        : 'This deployment has no AWS account configured (PLATFORM_AWS_ACCOUNT_ID), so client roles have no account to trust. Webhook-only mode works fully.',
    };
  });
