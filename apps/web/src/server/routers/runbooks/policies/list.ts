import { assertCompanyAccess } from '@aw/accounts';
import { listPolicies } from '@aw/runbooks';
import { z } from 'zod';
import { protectedProcedure } from '../../../trpc';

export const listProcedure = protectedProcedure
  .input(z.object({ companyId: z.string().uuid() }))
  .query(async ({ ctx, input }) => {
    await assertCompanyAccess(ctx.prisma, ctx.viewer, input.companyId);
    return listPolicies(ctx.prisma, ctx.scope, input.companyId);
  });
