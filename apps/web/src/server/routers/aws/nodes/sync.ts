import { syncNodes } from '@aw/aws';
import { z } from 'zod';
import { protectedProcedure } from '../../../trpc';
import { companyAccess } from '../../../company-access';

export const syncProcedure = protectedProcedure
  .input(z.object({ companyId: z.string().uuid() }))
  .mutation(async ({ ctx, input }) => {
    await companyAccess(ctx, input.companyId, 'node.sync');
    return syncNodes({
      prisma: ctx.prisma,
      runtime: ctx.services.aws,
      companyId: input.companyId,
      actorId: ctx.userId,
    });
  });
