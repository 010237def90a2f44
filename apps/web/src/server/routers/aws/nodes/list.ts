import { listNodes } from '@aw/aws';
import { z } from 'zod';
import { protectedProcedure } from '../../../trpc';
import { companyAccess } from '../../../company-access';

/** Managed nodes (mi-* and EC2) as last synced from DescribeInstanceInformation. */
export const listProcedure = protectedProcedure
  .input(z.object({ companyId: z.string().uuid() }))
  .query(async ({ ctx, input }) => {
    await companyAccess(ctx, input.companyId);
    return listNodes({ prisma: ctx.prisma, companyId: input.companyId });
  });
