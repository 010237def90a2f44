import { saveGenericMapping } from '@aw/ingest';
import { z } from 'zod';
import { protectedProcedure } from '../../../trpc';
import { companyAccess } from '../../../company-access';
import { ZCompanyId, ZMappingName } from '../schemas';

export const saveProcedure = protectedProcedure
  .input(z.object({ companyId: ZCompanyId, name: ZMappingName, paths: z.record(z.string(), z.unknown()) }))
  .mutation(async ({ ctx, input }) => {
    await companyAccess(ctx, input.companyId, 'mapping.save');
    return saveGenericMapping({
      prisma: ctx.prisma,
      companyId: input.companyId,
      actorId: ctx.userId,
      input: { name: input.name, paths: input.paths },
    });
  });
