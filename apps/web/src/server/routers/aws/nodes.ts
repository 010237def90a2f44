import { getAwsRuntime, listNodes, syncNodes } from '@aw/aws';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc';
import { awsCompanyAccess } from './access';

/** Managed nodes (mi-* and EC2) as last synced from DescribeInstanceInformation. */
export const listNodesProcedure = protectedProcedure
  .input(z.object({ companyId: z.string().uuid() }))
  .query(async ({ ctx, input }) => {
    await awsCompanyAccess(ctx, input.companyId, 'read');
    return listNodes({ prisma: ctx.prisma, companyId: input.companyId });
  });

export const syncNodesProcedure = protectedProcedure
  .input(z.object({ companyId: z.string().uuid() }))
  .mutation(async ({ ctx, input }) => {
    await awsCompanyAccess(ctx, input.companyId, 'manage');
    return syncNodes({
      prisma: ctx.prisma,
      runtime: getAwsRuntime(),
      companyId: input.companyId,
      actorId: ctx.userId,
    });
  });
