import { listActivations } from '@aw/aws';
import { z } from 'zod';
import { protectedProcedure } from '../../../trpc';
import { companyAccess } from '../../../company-access';

export const listProcedure = protectedProcedure
  .input(z.object({ companyId: z.string().uuid() }))
  .query(async ({ ctx, input }) => {
    await companyAccess(ctx, input.companyId);
    return listActivations({ prisma: ctx.prisma, runtime: ctx.services.aws, companyId: input.companyId });
  });
