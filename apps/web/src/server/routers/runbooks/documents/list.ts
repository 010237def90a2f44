import { assertCompanyAccess } from '@aw/accounts';
import { listDocuments } from '@aw/runbooks';
import { z } from 'zod';
import { protectedProcedure } from '../../../trpc';

/** The shipped MSP-* documents and the version the company's account has. */
export const listProcedure = protectedProcedure
  .input(z.object({ companyId: z.string().uuid() }))
  .query(async ({ ctx, input }) => {
    await assertCompanyAccess(ctx.prisma, ctx.viewer, input.companyId);
    return listDocuments({ prisma: ctx.prisma, companyId: input.companyId });
  });
