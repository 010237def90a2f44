import { listApiKeys } from '@aw/ingest';
import { z } from 'zod';
import { protectedProcedure } from '../../../trpc';
import { companyAccess } from '../../../company-access';
import { ZCompanyId } from '../schemas';

export const listProcedure = protectedProcedure
  .input(z.object({ companyId: ZCompanyId }))
  .query(async ({ ctx, input }) => {
    await companyAccess(ctx, input.companyId);
    return listApiKeys({ prisma: ctx.prisma, companyId: input.companyId });
  });
