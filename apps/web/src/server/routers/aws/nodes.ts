import { getAwsRuntime, listNodes, syncNodes } from '@aw/aws';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc';
import { companyAccess } from '../../company-access';

/** Managed nodes (mi-* and EC2) as last synced from DescribeInstanceInformation. */
export const listNodesProcedure = protectedProcedure
  .input(z.object({ companyId: z.string().uuid() }))
  .query(async ({ ctx, input }) => {
    await companyAccess(ctx, input.companyId);
    return listNodes({ prisma: ctx.prisma, companyId: input.companyId });
  });

export const syncNodesProcedure = protectedProcedure
  .input(z.object({ companyId: z.string().uuid() }))
  .mutation(async ({ ctx, input }) => {
    await companyAccess(ctx, input.companyId, 'node.sync');
    return syncNodes({
      prisma: ctx.prisma,
      runtime: getAwsRuntime(),
      companyId: input.companyId,
      actorId: ctx.userId,
    });
  });
