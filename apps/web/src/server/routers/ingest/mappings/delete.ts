import { deleteGenericMapping } from '@aw/ingest';
import { z } from 'zod';
import { protectedProcedure } from '../../../trpc';
import { companyAccess } from '../../../company-access';
import { ZCompanyId, ZMappingName } from '../schemas';

export const deleteProcedure = protectedProcedure
  .input(z.object({ companyId: ZCompanyId, name: ZMappingName }))
  .mutation(async ({ ctx, input }) => {
    await companyAccess(ctx, input.companyId, 'mapping.delete');
    await deleteGenericMapping({
      prisma: ctx.prisma,
      companyId: input.companyId,
      actorId: ctx.userId,
      input: { name: input.name },
    });
    return { deleted: true };
  });
