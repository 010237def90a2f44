import { deleteActivation } from '@aw/aws';
import { z } from 'zod';
import { protectedProcedure } from '../../../trpc';
import { companyAccess } from '../../../company-access';

export const deleteProcedure = protectedProcedure
  .input(z.object({ companyId: z.string().uuid(), activationId: z.string().uuid() }))
  .mutation(async ({ ctx, input }) => {
    await companyAccess(ctx, input.companyId, 'activation.delete');
    return deleteActivation({
      prisma: ctx.prisma,
      runtime: ctx.services.aws,
      companyId: input.companyId,
      actorId: ctx.userId,
      input: { activationId: input.activationId },
    });
  });
