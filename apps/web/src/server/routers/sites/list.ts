// The company's Kubernetes clusters as their operators last reported them (last seen, queue depth,
// version).
import { assertCompanyAccess } from '@aw/accounts';
import { listSites } from '@aw/aws/sites';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc';

export const listProcedure = protectedProcedure
  .input(z.object({ companyId: z.string().uuid() }))
  .query(async ({ ctx, input }) => {
    await assertCompanyAccess(ctx.prisma, ctx.viewer, input.companyId);
    return listSites({ prisma: ctx.prisma, companyId: input.companyId });
  });
